"""Character language models for the NER tagger: their speed cost and one trained pair."""
