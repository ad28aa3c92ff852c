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


def test_a_conversation_called_x_mutex_does_not_block_conversation_x():
    prefix = f"t{uuid.uuid4().hex[:8]}"
    store = _store(prefix)
    name = f"c-{uuid.uuid4().hex}"
    store.issue_ticket(f"{name}:mutex", 60)  # a lock for the conversation "<name>:mutex"
    started = time.perf_counter()
    assert store.issue_ticket(name, 60) == 0
    assert time.perf_counter() - started < 1.0
    store.delete_lock(name)
    store.delete_lock(f"{name}:mutex")
