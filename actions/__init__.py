"""rasa-sdk actions: thin adapters from the tracker to bot.* (no SQL, HTTP or strings here)."""
