"""Deleting a resident's conversation from Rasa's tracker store ("delete this conversation").

Rasa 3.6 has no delete in its TrackerStore interface, so this knows the stores the assistant
supports: SQL (SQLite by default, PostgreSQL in production), Redis and in-memory. Any other
store is refused with a clear error rather than pretending the conversation was deleted.
"""
from __future__ import annotations

import asyncio
import logging

from rasa.core.tracker_store import (
    InMemoryTrackerStore,
    RedisTrackerStore,
    SQLTrackerStore,
    TrackerStore,
)

logger = logging.getLogger(__name__)


class CannotForget(RuntimeError):
    """The configured tracker store cannot delete a conversation."""


def underlying_store(store: TrackerStore) -> TrackerStore:
    """The real store inside Rasa's wrappers (AwaitableTrackerStore, FailSafeTrackerStore)."""
    seen = set()
    while hasattr(store, "_tracker_store") and id(store) not in seen:
        seen.add(id(store))
        store = store._tracker_store  # Rasa keeps the wrapped store here; no public accessor
    return store


def _forget_sql(store: SQLTrackerStore, sender_id: str) -> int:
    with store.session_scope() as session:
        deleted = session.query(store.SQLEvent).filter(
            store.SQLEvent.sender_id == sender_id).delete(synchronize_session=False)
        session.commit()
    return int(deleted)


def _forget_redis(store: RedisTrackerStore, sender_id: str) -> int:
    return int(store.red.delete(store.key_prefix + sender_id))


def _forget_in_memory(store: InMemoryTrackerStore, sender_id: str) -> int:
    return 1 if store.store.pop(sender_id, None) is not None else 0


async def forget_conversation(tracker_store: TrackerStore, sender_id: str) -> int:
    """Delete everything stored about ``sender_id``; returns how many records went (0 when
    there was nothing). Raises CannotForget for a store this does not know how to clear."""
    store = underlying_store(tracker_store)
    if isinstance(store, SQLTrackerStore):
        deleted = await asyncio.to_thread(_forget_sql, store, sender_id)
        forget_kept = getattr(store, "forget_kept", None)
        if forget_kept is not None:  # this process's decoded copy goes too
            forget_kept(sender_id)
    elif isinstance(store, RedisTrackerStore):
        deleted = await asyncio.to_thread(_forget_redis, store, sender_id)
    elif isinstance(store, InMemoryTrackerStore):
        deleted = _forget_in_memory(store, sender_id)
    else:
        raise CannotForget(f"{type(store).__name__} cannot delete conversations; use the SQL, "
                           "Redis or in-memory tracker store")
    logger.info("forgot a conversation (%d records)", deleted)
    return deleted
