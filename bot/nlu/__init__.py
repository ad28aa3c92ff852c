"""Custom Rasa NLU graph components (crisis guard, lexicon entity extractor)."""
