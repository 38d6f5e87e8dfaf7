"""korwatch: an analyst workbook for Indonesian news on the Korean Peninsula, Russia and their partners."""

from korwatch_utils.articles import LoadResult, load_articles
from korwatch_utils.cleaning import CleanResult, clean, load_rules

__version__ = "0.1.0"
__all__ = ["CleanResult", "LoadResult", "clean", "load_articles", "load_rules"]
