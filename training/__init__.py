"""Reproduces korwatch's shipped Stanza models from ../shared/data; never imported at run time."""
