"""Rasa's SQL tracker store (SQLite by default, PostgreSQL in production) with personal data
masked before anything is written (bot.safety.redact), and conversations deleted by age.

Configured in endpoints.yml as ``type: bot.tracker_store.RedactingSQLTrackerStore`` with the
same keys as Rasa's ``SQL`` store. The conversation in memory during a turn is untouched, so
the assistant still understands the message; only the stored copy is masked.

Each process keeps the conversations it last read, decoded, and at the next message reads
from the database only the rows stored since (``_retrieve``): the database stays the truth,
so several servers can share a conversation, and what is kept is the masked copy that is
stored, so a conversation behaves the same on every server.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ujson
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.rasa_speedups import REPLAY, replay_on, replica
from bot.safety.redact import install_log_redaction, redact_events

logger = logging.getLogger(__name__)
DAY_SECONDS = 24 * 60 * 60
# Rasa's SQLTrackerStore._event_query (the events of the latest session: from the latest
# session_started on, or all of them if there is none, in id order) as plain SQL. Rasa builds
# it with the ORM on every message, twice (load, and counting what is already stored before
# saving): under load the ORM's statement building and row objects were about a tenth of the
# Rasa server's CPU (README: Measured). Same rows, same order; tests compare the two.
LATEST_SESSION = (
    "WITH start AS (SELECT max(timestamp) AS t FROM {table} WHERE sender_id = :sender "
    "AND type_name = :started) SELECT {columns} FROM {table}, start "
    "WHERE sender_id = :sender AND (start.t IS NULL OR timestamp >= start.t){order}")

# Rows of the latest session with their ids, and the event only of rows after :after (the
# rows up to it are the ones a kept conversation already holds, decoded).
ROWS_AFTER = "id, CASE WHEN id > :after THEN data END"
# set on a tracker this store loaded: how many stored events it was made from
_LOADED = "_harrow_stored_events"
# conversations whose decoded events a store keeps between messages, per process: a
# 20-message conversation is about 230 events, 0.68 MB decoded (measured), so at most
# about 90 MB
KEPT_CONVERSATIONS = 128


@dataclass
class _Kept:
    """A conversation's stored events as last read: the rows' ids, their events decoded
    (the masked events, as stored: never the unmasked ones of the turn in memory), and a
    replay of those events (a tracker nobody else holds), made with ``domain``'s slots."""
    ids: list
    events: list
    replay: Any
    domain: Any


def _loads(data: str):
    """``json.loads``, by ujson (a Rasa dependency) where it can: a conversation of 20
    messages is 166 KB of JSON, decoded at every message, and ujson takes about half the
    time. The same values, floats to the last bit (tested); anything ujson refuses goes to
    json."""
    try:
        return ujson.loads(data)
    except (ValueError, OverflowError):
        return json.loads(data)


def _decoded(rows: list) -> list[Event]:
    return deserialise_events([_loads(data) for _id, data in rows])


def _continued(kept: _Kept, rows: list) -> list[Event] | None:
    """The kept events and those of the newer rows, if the rows up to the newest kept one
    are exactly the kept rows; else None."""
    count, newest = len(kept.ids), kept.ids[-1]
    if len(rows) < count or rows[count - 1][0] != newest \
            or (len(rows) > count and rows[count][0] <= newest) \
            or [row[0] for row in rows[:count]] != kept.ids:
        return None
    return kept.events + _decoded(rows[count:])


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
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        # the SQL below is checked on these two; any other database gets Rasa's ORM queries
        self._plain_sql = self.engine.dialect.name in ("sqlite", "postgresql")

    async def _off_loop(self, work: Callable[..., Any], *args: Any) -> Any:
        """``work(*args)`` in a thread, so the server's event loop serves other residents
        while a networked database (PostgreSQL) answers: Rasa's SQL store is synchronous,
        and every query and commit used to stop the whole server. SQLite, a local file (and
        an in-memory SQLite database is one per thread), stays on the loop, as in Rasa. The
        tracker ``work`` reads is this request's own: the conversation's lock keeps every
        other request off it."""
        if self.engine.dialect.name == "sqlite":
            return work(*args)
        return await asyncio.to_thread(work, *args)

    def _latest_session(self, session, sender_id: str, columns: str, order: str = "",
                        **parameters: Any):
        from sqlalchemy import text

        sql = LATEST_SESSION.format(table=self.SQLEvent.__tablename__, columns=columns,
                                    order=order)
        return session.execute(text(sql), {"sender": sender_id,
                                           "started": SessionStarted.type_name, **parameters})

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool
                        ) -> DialogueStateTracker | None:
        """The latest session as Rasa's SQL store reads it. Decoding a conversation's stored
        events was most of the growing cost of a message as the conversation lengthened
        (about 230 events, 166 KB of JSON, by the 20th message): the store keeps each
        conversation's decoded events (``KEPT_CONVERSATIONS``, least recently read first
        out) and reads from the database the ids of the latest session's rows, but the
        data only of rows newer than those it holds. The database stays the truth: the
        kept events are used only when the rows up to the newest kept one are exactly the
        rows kept (same ids, in order), so what another server stored since is read, and a
        new session, a deletion or a rewrite reads everything again."""
        if fetch_events_from_all_sessions or not self._plain_sql:  # Rasa's own query
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        kept = self._kept.get(sender_id)
        rows = await self._off_loop(self._stored_rows, sender_id,
                                    kept.ids[-1] if kept else None)
        events = _continued(kept, rows) if kept else None
        if events is None and kept:  # not a continuation of what was kept
            rows = await self._off_loop(self._stored_rows, sender_id, None)
        if not (self.domain and rows):
            self._kept.pop(sender_id, None)
            return None
        # The tracker holds the very event objects kept: Rasa replays events onto a tracker
        # without changing them, except the latest message's featurization and entities,
        # which replaying sets again from its own events (tests compare with a fresh read).
        # It is made as Rasa makes it (DialogueStateTracker.from_events), a replay; the kept
        # replay goes on over the new events only (bot.rasa_speedups, 8).
        if events is not None and kept.domain is self.domain and kept.events:
            replay = replay_on(replica(kept.replay), events, len(kept.events))
        else:
            events = _decoded(rows) if events is None else events
            replay = DialogueStateTracker.from_events(sender_id, events, self.domain.slots)
        replay.applied_events()  # remembered on it, gone on from the next time, and
        # carried to the tracker: Rasa's session check asks for it first thing
        self._keep(sender_id, _Kept([row[0] for row in rows], events, replay, self.domain))
        tracker = replica(replay)
        if events:  # its copy() goes on from the kept replay (a replica of it)
            vars(tracker)[REPLAY] = (len(events), events[-1], replay, False)
        vars(tracker)[_LOADED] = len(rows)
        return tracker

    def forget_kept(self, sender_id: str) -> None:
        """Drop this process's decoded copy of a conversation (it is being deleted; other
        processes drop theirs at their next read, or as they read others)."""
        self._kept.pop(sender_id, None)

    def _keep(self, sender_id: str, kept: _Kept) -> None:
        self._kept[sender_id] = kept
        self._kept.move_to_end(sender_id)
        while len(self._kept) > KEPT_CONVERSATIONS:
            self._kept.popitem(last=False)

    def _stored_rows(self, sender_id: str, after: int | None) -> list:
        """(id, data) of the latest session's rows in id order; with ``after``, data is None
        for rows up to that id."""
        with self.session_scope() as session:
            if after is None:
                return self._latest_session(session, sender_id, "id, data",
                                            " ORDER BY id").all()
            return self._latest_session(session, sender_id, ROWS_AFTER, " ORDER BY id",
                                        after=after).all()

    def _additional_events(self, session, tracker: DialogueStateTracker):
        """The tracker's events not stored yet (as Rasa's, counted in plain SQL). A tracker
        this store loaded carries how many stored events it was made from, which is what
        the count would say: the conversation's lock keeps other servers from adding any
        until it is saved (and a new session started meanwhile is not stored yet either).
        Used once: any later save of the same tracker counts again. (If a request outlives
        its lock, 60 s, while another server saves the same conversation, Rasa's count and
        this both store the wrong slice, differently.)"""
        if not self._plain_sql:
            return super()._additional_events(session, tracker)
        stored = vars(tracker).pop(_LOADED, None)
        if stored is None:
            stored = self._latest_session(session, tracker.sender_id, "count(*)").scalar()
        return itertools.islice(tracker.events, stored or 0, len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        # The event broker, if one is ever configured, gets the masked events too (on the
        # event loop, once they are stored).
        stored = await self._off_loop(self._store_new_events, tracker)
        if self.event_broker:
            for data in stored:
                self.event_broker.publish({"sender_id": tracker.sender_id, **data})

    def _store_new_events(self, tracker: DialogueStateTracker) -> list[dict]:
        """Store the tracker's events not stored yet, masked; returns them as stored."""
        with self.session_scope() as session:
            events = list(self._additional_events(session, tracker))
            masked = redact_events([e.as_dict() for e in events])
            rows = [{"sender_id": tracker.sender_id, "type_name": event.type_name,
                     "timestamp": data.get("timestamp"),
                     "intent_name": data.get("parse_data", {}).get("intent", {}).get(
                         INTENT_NAME_KEY),
                     "action_name": data.get("name"), "data": json.dumps(data)}
                    for event, data in zip(events, masked)]
            if rows:  # one INSERT of all rows, in order (no ORM objects to track)
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()
        return masked

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
