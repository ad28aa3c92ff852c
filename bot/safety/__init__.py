"""Resident safety: the crisis lexicon guard."""
