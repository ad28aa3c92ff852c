"""The tracker store's plain-SQL queries (bot.tracker_store.LATEST_SESSION) return what Rasa's
own ORM queries return, on SQLite and PostgreSQL: the latest session's events in order, and
only the events not stored yet are saved, turn after turn, across a session restart."""
from __future__ import annotations

import asyncio
import itertools
import time
import uuid

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot.conversations import forget_conversation
from bot.tracker_store import RedactingSQLTrackerStore

DOMAIN = Domain.from_dict({"slots": {"place": {"type": "text", "mappings": []}}})


def _turn(text: str, at: float) -> list:
    return [ActionExecuted("action_listen", timestamp=at),
            UserUttered(text, {"name": "greet", "confidence": 0.9}, timestamp=at + 0.1),
            SlotSet("place", text, timestamp=at + 0.2),
            ActionExecuted("utter_greet", timestamp=at + 0.3),
            BotUttered(f"reply to {text}", timestamp=at + 0.4)]


def _session(at: float) -> list:
    """As Rasa logs a session start: the action first, stamped after the events it made."""
    return [ActionExecuted("action_session_start", timestamp=at + 0.02),
            SessionStarted(timestamp=at + 0.01)]


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        found = RedactingSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    else:
        url = make_url(request.getfixturevalue("pg_server"))
        found = RedactingSQLTrackerStore(DOMAIN, dialect="postgresql", host=url.host,
                                         port=url.port or 5432, db=url.database,
                                         username=url.username, password=url.password)
    assert found._plain_sql
    yield found
    found.engine.dispose()


def _stored_count(store, sender: str) -> int:
    with store.session_scope() as session:
        return session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender).count()


def _events(tracker) -> list[dict]:
    return [event.as_dict() for event in tracker.events] if tracker else []


def test_saving_turn_by_turn_stores_each_event_once_and_reads_back_as_rasa_does(store):
    sender, now = f"q-{uuid.uuid4().hex}", time.time() - 100
    assert asyncio.run(store._retrieve(sender, False)) is None
    assert asyncio.run(SQLTrackerStore._retrieve(store, sender, False)) is None
    timeline = [_session(now), _turn("HA1", now + 1), _turn("Pinner", now + 2),
                _session(now + 3), _turn("Harrow", now + 4), _turn("Wealdstone", now + 5)]
    total = 0
    try:
        for step in timeline:  # each message as Rasa handles it: load, update, save
            tracker = asyncio.run(store.retrieve(sender)) \
                or DialogueStateTracker(sender, DOMAIN.slots)
            for event in step:
                tracker.update(event)
            total += len(step)
            with store.session_scope() as session:
                new = list(store._additional_events(session, tracker))
                rasas = list(SQLTrackerStore._additional_events(store, session, tracker))
            assert new == rasas == step
            asyncio.run(store.save(tracker))
            assert _stored_count(store, sender) == total
            ours = asyncio.run(store._retrieve(sender, False))
            theirs = asyncio.run(SQLTrackerStore._retrieve(store, sender, False))
            assert _events(ours) == _events(theirs) != []
        latest = _events(asyncio.run(store._retrieve(sender, False)))
        assert len(latest) == 12 and latest[1]["event"] == "session_started"
        assert latest[-1]["text"] == "reply to Wealdstone"
        everything = asyncio.run(store._retrieve(sender, True))
        assert len(everything.events) == total == 24
        assert asyncio.run(store.retrieve(sender)).get_slot("place") == "Wealdstone"
    finally:
        asyncio.run(forget_conversation(store, sender))


def test_a_tracker_it_loaded_is_saved_without_counting_what_is_stored(store, monkeypatch):
    """The store knows how many stored events a tracker it loaded was made from, so saving
    it asks the database nothing but the insert; turn after turn, across a new session, each
    event is still stored once and the conversation reads back as Rasa reads it."""
    sender, now = f"q-{uuid.uuid4().hex}", time.time() - 100
    counted, real = [], store._latest_session

    def latest_session(session, sender_id, columns, order="", **parameters):
        counted.append(columns == "count(*)")
        return real(session, sender_id, columns, order, **parameters)
    monkeypatch.setattr(store, "_latest_session", latest_session)
    timeline = [_session(now), _turn("HA1", now + 1), _turn("Pinner", now + 2),
                _session(now + 3), _turn("Harrow", now + 4), _turn("Wealdstone", now + 5)]
    total = 0
    try:
        for number, step in enumerate(timeline):
            tracker = asyncio.run(store.retrieve(sender))
            assert (tracker is None) == (number == 0)
            tracker = tracker or DialogueStateTracker(sender, DOMAIN.slots)
            for event in step:
                tracker.update(event)
            counted.clear()
            asyncio.run(store.save(tracker))
            assert counted == ([True] if number == 0 else [])  # a new tracker is counted
            if not isinstance(step[-1], SessionStarted):
                # saved again: counted, and nothing stored twice (Rasa's count cannot tell
                # which events of a tracker holding two sessions are stored)
                asyncio.run(store.save(tracker))
                assert counted[-1:] == [True]
            total += len(step)
            assert _stored_count(store, sender) == total
            ours = asyncio.run(store._retrieve(sender, False))
            assert _events(ours) == _events(asyncio.run(
                SQLTrackerStore._retrieve(store, sender, False))) != []
    finally:
        asyncio.run(forget_conversation(store, sender))


def test_a_conversation_without_a_session_start_reads_back_whole(store):
    sender, now = f"q-{uuid.uuid4().hex}", time.time()
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    try:
        for event in _turn("HA1", now) + _turn("HA2", now + 1):
            tracker.update(event)
        asyncio.run(store.save(tracker))
        ours = _events(asyncio.run(store._retrieve(sender, False)))
        assert ours == _events(asyncio.run(SQLTrackerStore._retrieve(store, sender, False)))
        assert len(ours) == 10
    finally:
        asyncio.run(forget_conversation(store, sender))


def test_other_databases_keep_rasas_queries(tmp_path, monkeypatch):
    store = RedactingSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    store._plain_sql = False  # as for a dialect the plain SQL is not checked on
    original, called = SQLTrackerStore._event_query, []

    def counted(self, *args, **kwargs):
        called.append(kwargs.get("fetch_events_from_all_sessions"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLTrackerStore, "_event_query", counted)
    tracker = DialogueStateTracker("other", DOMAIN.slots)
    for event in _turn("HA1", time.time()):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    assert len(asyncio.run(store._retrieve("other", False)).events) == 5
    assert called == [False, False]


def test_stored_events_decode_to_the_very_values_json_gives(monkeypatch):
    """The quicker decoder gives what json.loads gives, floats to the last bit, for any
    JSON the store could hold (and what it refuses, json decodes)."""
    import json
    import math

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from bot.tracker_store import _loads

    values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
        | st.text(), lambda inner: st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)

    def same(a, b) -> bool:
        if isinstance(a, float) and isinstance(b, float):
            return a == b and math.copysign(1, a) == math.copysign(1, b) \
                or math.isnan(a) and math.isnan(b)
        if isinstance(a, dict) and isinstance(b, dict):
            return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
        if isinstance(a, list) and isinstance(b, list):
            return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
        return type(a) is type(b) and a == b

    @settings(max_examples=800, deadline=None, database=None)
    @given(values, st.booleans())
    def decodes_the_same(value, ascii_only):
        text = json.dumps(value, ensure_ascii=ascii_only)
        assert same(_loads(text), json.loads(text))
    decodes_the_same()
    import ujson

    decoded, real = [], ujson.loads
    monkeypatch.setattr(ujson, "loads", lambda text: decoded.append(text) or real(text))
    assert _loads('{"event": "action"}') == {"event": "action"} and decoded  # by ujson
    for text in ['"\\ud800"', "NaN", "1e400", "123456789012345678901234567890", "-0.0"]:
        assert same(_loads(text), json.loads(text)), text


def test_a_networked_database_is_waited_for_off_the_event_loop(store, monkeypatch):
    """While PostgreSQL answers one conversation's query, the server's event loop goes on
    with others (Rasa's store is synchronous: it used to stop the loop). SQLite, a local
    file, stays on the loop, as in Rasa."""
    import threading

    sender, now = f"q-{uuid.uuid4().hex}", time.time() - 100
    tracker = DialogueStateTracker.from_events(sender, _session(now) + _turn("HA1", now + 1),
                                               DOMAIN.slots)
    asyncio.run(store.save(tracker))
    loop_thread, seen = threading.get_ident(), {}
    stored_rows, store_new = store._stored_rows, store._store_new_events

    def slow(real):
        def wrapped(*args):
            seen[real.__name__] = threading.get_ident()
            time.sleep(0.3)  # the database, slow to answer
            return real(*args)
        return wrapped

    monkeypatch.setattr(store, "_stored_rows", slow(stored_rows))
    monkeypatch.setattr(store, "_store_new_events", slow(store_new))

    async def other_residents(ticks: list) -> None:
        for _ in range(20):
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.01)

    async def turn() -> tuple:
        ticks: list = []
        others = asyncio.create_task(other_residents(ticks))
        await asyncio.sleep(0)
        loaded = await store._retrieve(sender, False)
        loaded.update(UserUttered("again", {"name": "greet", "confidence": 1.0}))
        await store.save(loaded)
        await others
        return loaded, ticks

    loaded, ticks = asyncio.run(turn())
    assert _events(asyncio.run(store._retrieve(sender, False))) == _events(loaded)
    longest_pause = max(b - a for a, b in itertools.pairwise(ticks))
    if store.engine.dialect.name == "sqlite":
        assert set(seen.values()) == {loop_thread}
        assert longest_pause >= 0.3
    else:
        assert loop_thread not in set(seen.values()) and len(seen) == 2
        assert longest_pause < 0.2
    asyncio.run(forget_conversation(store, sender))


def _second_store(store, tmp_path):
    """Another server's store on the same database."""
    if store.engine.dialect.name == "sqlite":
        return RedactingSQLTrackerStore(DOMAIN, dialect="sqlite", db=store.engine.url.database)
    url = store.engine.url
    return RedactingSQLTrackerStore(DOMAIN, dialect="postgresql", host=url.host,
                                    port=url.port or 5432, db=url.database,
                                    username=url.username, password=url.password)


def _counting_decodes(monkeypatch) -> list:
    import bot.tracker_store as module

    decoded, real = [], module._loads
    monkeypatch.setattr(module, "_loads", lambda data: decoded.append(data) or real(data))
    return decoded


def test_a_kept_conversation_reads_only_newer_rows_and_equals_a_fresh_read(
        store, tmp_path, monkeypatch):
    """Two servers take turns with one conversation. Each keeps the events it has read and
    decodes only the rows stored since (its own last turn's and the other server's); what
    it gives equals a fresh read by Rasa's own query, every time: across a new session, and
    after the conversation is deleted and begun again under the same id."""
    other = _second_store(store, tmp_path)
    decoded = _counting_decodes(monkeypatch)
    sender, now = f"q-{uuid.uuid4().hex}", time.time() - 100
    timeline = [(store, _session(now)), (store, _turn("HA1", now + 1)),
                (other, _turn("Pinner", now + 2)), (store, _turn("Harrow", now + 3)),
                (store, _turn("Stanmore", now + 4)), (other, _session(now + 5)),
                (store, _turn("Wealdstone", now + 6)), (other, _turn("Edgware", now + 7))]
    try:
        for server, step in timeline:
            tracker = asyncio.run(server.retrieve(sender)) \
                or DialogueStateTracker(sender, DOMAIN.slots)
            for event in step:
                tracker.update(event)
            asyncio.run(server.save(tracker))
        # the first store last read the conversation before its "Wealdstone" turn: it kept
        # the new session's start and decodes only the ten events stored since (its own
        # turn's and the other server's)
        decoded.clear()
        kept = asyncio.run(store._retrieve(sender, False))
        fresh = asyncio.run(SQLTrackerStore._retrieve(store, sender, False))
        assert len(decoded) == 10
        assert _events(kept) == _events(fresh) and len(kept.events) == 12
        assert kept.get_slot("place") == fresh.get_slot("place") == "Edgware"
        decoded.clear()
        assert _events(asyncio.run(store._retrieve(sender, False))) == _events(fresh)
        assert decoded == []  # nothing new: nothing decoded
        # deleted, then begun again: none of the kept events come back
        assert sender in other._kept
        asyncio.run(forget_conversation(other, sender))
        assert sender not in other._kept  # the deleting process drops its copy at once
        assert asyncio.run(store._retrieve(sender, False)) is None
        again = DialogueStateTracker.from_events(sender, _turn("HA2", now + 8), DOMAIN.slots)
        asyncio.run(other.save(again))
        assert _events(asyncio.run(store._retrieve(sender, False))) == _events(again)
    finally:
        asyncio.run(forget_conversation(store, sender))
        other.engine.dispose()


def test_rasas_bookkeeping_replayed_on_kept_events_reads_back_as_a_fresh_read(store):
    """The tracker holds the kept event objects, and replaying some events changes the
    latest message (its featurization, added entities): turn after turn, a conversation with
    them, read back from what is kept, equals a fresh read by Rasa's own query."""
    from tests.assistant.test_dialogue_states import a_conversation_with_rasas_own_bookkeeping

    events = a_conversation_with_rasas_own_bookkeeping()
    turns, current = [], []
    for event in events:
        if isinstance(event, UserUttered) and current:
            turns.append(current)
            current = []
        current.append(event)
    turns.append(current)
    assert len(turns) >= 4
    sender = f"q-{uuid.uuid4().hex}"
    try:
        for turn in turns:
            tracker = asyncio.run(store.retrieve(sender)) \
                or DialogueStateTracker(sender, DOMAIN.slots)
            for event in turn:
                tracker.update(event)
            asyncio.run(store.save(tracker))
            kept = asyncio.run(store._retrieve(sender, False))
            fresh = asyncio.run(SQLTrackerStore._retrieve(store, sender, False))
            assert _events(kept) == _events(fresh)
            # (before the first message it is an empty one, stamped when the tracker is made)
            assert {**kept.latest_message.as_dict(), "timestamp": 0} \
                == {**fresh.latest_message.as_dict(), "timestamp": 0}
            assert kept.current_state() == fresh.current_state()
    finally:
        asyncio.run(forget_conversation(store, sender))


def test_kept_conversations_are_bounded(store, monkeypatch):
    import bot.tracker_store as module

    monkeypatch.setattr(module, "KEPT_CONVERSATIONS", 2)
    senders, now = [f"q-{uuid.uuid4().hex}" for _ in range(3)], time.time()
    try:
        for sender in senders:
            asyncio.run(store.save(DialogueStateTracker.from_events(
                sender, _turn("HA1", now), DOMAIN.slots)))
            asyncio.run(store._retrieve(sender, False))
        assert list(store._kept) == senders[1:]
    finally:
        for sender in senders:
            asyncio.run(forget_conversation(store, sender))
