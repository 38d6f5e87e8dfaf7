"""The site an article comes from: one name per outlet, from its metadata or its URL."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_SPACES = re.compile(r"\s+")


def site(outlet: str, url: str) -> str:
    """The outlet as the metadata names it (case and spacing ignored), else the URL's host without "www." and
    a port; "" when neither is known."""
    name = _SPACES.sub(" ", str(outlet or "")).strip().casefold()
    if name:
        return name
    try:
        host = urlsplit(str(url or "").strip()).hostname or ""
    except ValueError:  # a malformed URL names no host
        return ""
    return host.removeprefix("www.")
