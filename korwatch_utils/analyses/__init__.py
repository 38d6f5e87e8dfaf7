"""Layer 4, analyses: entities and countries, stance, dates and timeline, trends, event export; `analysis`
runs them all on a batch of cleaned articles."""
