"""Rasa input channels for the assistant."""
