"""korwatch's version: the bottom of the package, importing nothing of it."""

__version__ = "0.1.0"
