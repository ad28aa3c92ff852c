"""Tests for bot.directory."""
