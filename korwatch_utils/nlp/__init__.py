"""Layer 3, models: the shipped Stanza tokenizer and NER (`ner`), POS tagger and parser (`syntax`).

The weights live in korwatch_utils/models/, beside their card.
"""
