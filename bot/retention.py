"""Retention: conversations are deleted a configurable number of days after their last
message (default 30; ``CONVERSATION_RETENTION_DAYS`` or ``purge --days``). Run by
``python -m bot purge``, e.g. from cron once a day.
"""
from __future__ import annotations

import os
from pathlib import Path

from bot.paths import REPO_ROOT

ENDPOINTS_FILE = REPO_ROOT / "endpoints.yml"
DEFAULT_DAYS = 30
SQL_TYPES = {"sql", "bot.tracker_store.RedactingSQLTrackerStore"}


class RetentionConfigError(ValueError):
    """Retention or tracker store configuration an operator must fix."""


def configured_days(variable: str, given: float | None = None,
                    default: float = DEFAULT_DAYS) -> float:
    """A retention period in days: ``given`` (a command option), else the environment
    variable, else ``default``; at least 1 day."""
    raw = given if given is not None else os.environ.get(variable, default)
    try:
        days = float(raw)
    except (TypeError, ValueError):
        days = -1.0
    if days < 1:
        raise RetentionConfigError(f"retention must be a number of days, at least 1 (got "
                                   f"{raw!r}): set {variable} or --days")
    return days


def retention_days(given: float | None = None) -> float:
    return configured_days("CONVERSATION_RETENTION_DAYS", given)


def conversation_store(endpoints: Path = ENDPOINTS_FILE):
    """The tracker store endpoints.yml configures (SQLite or PostgreSQL only)."""
    from rasa.utils.endpoints import read_endpoint_config

    from bot.tracker_store import RedactingSQLTrackerStore

    config = read_endpoint_config(str(endpoints), "tracker_store")
    if config is None or str(config.type).lower() not in {t.lower() for t in SQL_TYPES}:
        raise RetentionConfigError(f"{endpoints}: tracker_store must be the SQL store "
                                   f"(type: bot.tracker_store.RedactingSQLTrackerStore) for purge")
    kwargs = dict(config.kwargs)
    if kwargs.get("dialect", "sqlite") == "sqlite" and kwargs.get("db") \
            and not Path(kwargs["db"]).is_absolute():
        kwargs["db"] = str(REPO_ROOT / kwargs["db"])
    return RedactingSQLTrackerStore(None, host=config.url, **kwargs)


def purge_conversations(days: float | None = None, endpoints: Path = ENDPOINTS_FILE) -> int:
    """Delete conversations past retention; returns how many."""
    return conversation_store(endpoints).purge_older_than(retention_days(days))
