"""Experiments on korwatch's models and analyses (research/README.md); never imported at run time or by `make models`."""
