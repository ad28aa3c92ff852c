"""Rasa's SQL tracker store (SQLite by default, PostgreSQL in production) with personal data
masked before anything is written (bot.safety.redact), and conversations deleted by age.

Configured in endpoints.yml as ``type: bot.tracker_store.RedactingSQLTrackerStore`` with the
same keys as Rasa's ``SQL`` store. The conversation in memory during a turn is untouched, so
the assistant still understands the message; only the stored copy is masked.
"""
from __future__ import annotations

import json
import logging
import time

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.safety.redact import install_log_redaction, redact_events

logger = logging.getLogger(__name__)
DAY_SECONDS = 24 * 60 * 60


def _connection_settings(database_url: str) -> dict:
    from sqlalchemy.engine import make_url

    try:
        url = make_url(database_url)
    except Exception as err:
        raise ValueError(f"tracker_store database_url {database_url!r} is not a database "
                         "URL: use postgresql://user:password@host:5432/name") from err
    return {"dialect": url.get_backend_name(), "host": url.host, "port": url.port,
            "db": url.database, "username": url.username, "password": url.password}


class RedactingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that stores each new event with the resident's personal data masked."""

    def __init__(self, *args, database_url: str | None = None, **kwargs) -> None:
        if database_url:  # one setting instead of dialect, host, port, db, user, password
            kwargs.update(_connection_settings(database_url))
        super().__init__(*args, **kwargs)
        install_log_redaction()

    async def save(self, tracker: DialogueStateTracker) -> None:
        # The event broker, if one is ever configured, gets the masked events too.
        with self.session_scope() as session:
            events = list(self._additional_events(session, tracker))
            for event, data in zip(events, redact_events([e.as_dict() for e in events])):
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id, type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"), data=json.dumps(data)))
                if self.event_broker:
                    self.event_broker.publish({"sender_id": tracker.sender_id, **data})
            session.commit()

    def purge_older_than(self, days: float, now: float | None = None) -> int:
        """Delete every conversation whose last event is more than ``days`` old; returns how
        many conversations went."""
        cutoff = (now if now is not None else time.time()) - days * DAY_SECONDS
        return purge_conversations(self, cutoff)


def purge_conversations(store: SQLTrackerStore, cutoff: float) -> int:
    """Delete conversations (all their events) whose latest event is before ``cutoff``."""
    import sqlalchemy as sa

    table = store.SQLEvent
    with store.session_scope() as session:
        stale = [row[0] for row in session.query(table.sender_id)
                 .group_by(table.sender_id)
                 .having(sa.func.max(table.timestamp) < cutoff).all()]
        for start in range(0, len(stale), 500):
            session.query(table).filter(table.sender_id.in_(stale[start:start + 500])) \
                .delete(synchronize_session=False)
        session.commit()
    logger.info("purged %d conversations older than the retention period", len(stale))
    return len(stale)
