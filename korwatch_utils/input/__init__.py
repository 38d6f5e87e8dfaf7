"""Layer 2, input: articles from folders (`articles`) and from the web (`fetch`)."""
