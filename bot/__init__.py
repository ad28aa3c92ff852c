"""Harrow Support Assistant: the assistant's own Python package."""
