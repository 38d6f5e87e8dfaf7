"""korwatch: an analyst workbook for Indonesian news on the Korean Peninsula, Russia and their partners."""

from korwatch_utils.input.articles import LoadResult, load_articles
from korwatch_utils.text.cleaning import CleanResult, clean, load_rules
from korwatch_utils.version import __version__

__all__ = ["CleanResult", "LoadResult", "__version__", "clean", "load_articles", "load_rules"]
