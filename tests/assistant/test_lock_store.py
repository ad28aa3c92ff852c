"""The Redis lock store shared by several Rasa servers issues each ticket once (Rasa 3.6's
own read-change-write can give two servers the same ticket), and refuses to start without
Redis."""
from __future__ import annotations

import threading
import time
import uuid

import pytest

from bot.devserver import free_port
from bot.lock_store import CheckedRedisLockStore, LockStoreUnavailable
from tests.conftest import unavailable


def _store(prefix: str) -> CheckedRedisLockStore:
    try:
        return CheckedRedisLockStore(host="127.0.0.1", port=6379, db=14, key_prefix=prefix)
    except LockStoreUnavailable as err:
        unavailable(str(err))


def test_two_servers_never_get_the_same_ticket():
    prefix = f"t{uuid.uuid4().hex[:8]}"
    servers = [_store(prefix), _store(prefix)]  # two processes' worth of lock stores
    conversation = f"c-{uuid.uuid4().hex}"
    tickets: list[int] = []

    def take(store):
        for _ in range(150):
            tickets.append(store.issue_ticket(conversation, 60))

    threads = [threading.Thread(target=take, args=(s,)) for s in servers * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(tickets) == 600 and len(set(tickets)) == 600
    servers[0].delete_lock(conversation)


def test_no_redis_at_start_up_is_one_clear_error():
    port = free_port()
    with pytest.raises(LockStoreUnavailable, match=f"127.0.0.1:{port} is not reachable"):
        CheckedRedisLockStore(host="127.0.0.1", port=port, db=14)


def test_the_action_server_listens_on_localhost_unless_configured(monkeypatch):
    from bot import action_server

    seen = {}

    class FakeApp:
        def run(self, host, port, **kwargs):
            seen.update(host=host, port=port)

    monkeypatch.setattr(action_server, "build_app", lambda: FakeApp())
    monkeypatch.delenv("ACTIONS_HOST", raising=False)
    action_server.main()
    assert seen["host"] == "127.0.0.1"
    monkeypatch.setenv("ACTIONS_HOST", "0.0.0.0")
    action_server.main()
    assert seen["host"] == "0.0.0.0"


def test_waiting_servers_dropping_expired_tickets_lose_nobody_elses():
    """While a server waits for a conversation, it drops expired tickets from the lock now
    and then (update_lock), as other servers issue tickets: no issued ticket goes missing."""
    prefix = f"t{uuid.uuid4().hex[:8]}"
    servers = [_store(prefix), _store(prefix)]
    conversation = f"c-{uuid.uuid4().hex}"
    tickets: list[int] = []

    def take(store):
        for _ in range(100):
            tickets.append(store.issue_ticket(conversation, 60))

    def tidy(store):
        for _ in range(200):
            store.update_lock(conversation)

    threads = [threading.Thread(target=take, args=(servers[0],)),
               threading.Thread(target=tidy, args=(servers[1],)),
               threading.Thread(target=take, args=(servers[1],)),
               threading.Thread(target=tidy, args=(servers[0],))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    held = [ticket.number for ticket in servers[0].get_lock(conversation).tickets]
    assert sorted(held) == sorted(tickets) == list(range(200))
    servers[0].delete_lock(conversation)


def _tickets(lock) -> list | None:
    return None if lock is None else [(t.number, t.expires) for t in lock.tickets]


@pytest.mark.parametrize("seed", range(12))
def test_tickets_are_issued_and_given_back_as_rasas_own_lock_store_does(monkeypatch, seed):
    """The scripts against Rasa's in-memory lock store (the same TicketLock logic, no Redis):
    the same tickets issued, the same lock left (or none) after every step, as tickets are
    taken, given back in any order, left to expire and dropped by a waiting server."""
    import random

    from rasa.core.lock_store import InMemoryLockStore

    clock = [1_800_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    ours, rasas = _store(f"t{uuid.uuid4().hex[:8]}"), InMemoryLockStore()
    conversation = f"c-{uuid.uuid4().hex}"
    rng, held = random.Random(seed), []
    for _ in range(150):
        step = rng.random()
        if step < 0.45:
            lifetime = rng.choice([0.5, 3.0, 60.0])
            ticket = ours.issue_ticket(conversation, lifetime)
            assert ticket == rasas.issue_ticket(conversation, lifetime)
            held.append(ticket)
        elif step < 0.75 and held:
            ticket = held.pop(rng.randrange(len(held)))
            ours.cleanup(conversation, ticket)
            rasas.cleanup(conversation, ticket)
        elif step < 0.82 and held:  # given back without the lock's deletion
            ticket = held.pop(rng.randrange(len(held)))
            ours.finish_serving(conversation, ticket)
            rasas.finish_serving(conversation, ticket)
        elif step < 0.9:  # a waiting server drops expired tickets
            ours.update_lock(conversation)
            rasas.update_lock(conversation)
        else:
            clock[0] += rng.choice([0.1, 1.0, 5.0])
        assert _tickets(ours.get_lock(conversation)) == _tickets(rasas.get_lock(conversation))
        if held and ours.get_lock(conversation):
            assert ours.get_lock(conversation).conversation_id == conversation
    ours.delete_lock(conversation)


def test_a_message_takes_the_lock_and_leaves_none_behind():
    """Rasa's own lock(): ticket 0 served at once, and the lock gone afterwards."""
    import asyncio

    store = _store(f"t{uuid.uuid4().hex[:8]}")
    conversation = f"c-{uuid.uuid4().hex}"

    async def message():
        async with store.lock(conversation) as lock:
            assert lock.now_serving == 0 and not lock.is_locked(0)
            assert store.get_lock(conversation).last_issued == 0
    asyncio.run(message())
    assert store.get_lock(conversation) is None
