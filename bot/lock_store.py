"""Rasa's Redis lock store, made safe for several servers and checked at start-up.

- Rasa 3.6's RedisLockStore changes a conversation's ticket lock by reading it, changing it
  and writing it back. Two servers that receive messages of one conversation at the same
  moment can both read "nobody waiting", both take ticket 0 and answer at once: a message's
  events were lost that way in tests/live/test_two_servers.py. Here every such change runs
  under a short Redis mutex per conversation (redis-py's Lock: SET NX with expiry), so the
  tickets are issued one at a time across servers.
- A server that cannot reach Redis stops at start-up with one clear line, instead of starting
  and then failing every resident's message.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rasa.core.lock_store import LOCK_LIFETIME, LockStore, RedisLockStore

MUTEX_SECONDS = 5.0  # how long a ticket change may hold the mutex (they take milliseconds)


class LockStoreUnavailable(RuntimeError):
    """Redis is not reachable; the message says what to check."""


class CheckedRedisLockStore(RedisLockStore):
    """``type: bot.lock_store.CheckedRedisLockStore`` in endpoints.production.yml, with the
    same keys as Rasa's ``redis`` lock store."""

    def __init__(self, endpoint_config: Any = None, **kwargs: Any) -> None:
        # Rasa builds a custom lock store from its endpoint config alone
        if endpoint_config is not None:
            kwargs = {**endpoint_config.kwargs, "host": endpoint_config.url, **kwargs}
        kwargs.pop("type", None)
        kwargs.setdefault("socket_timeout", 5)
        host, port = kwargs.get("host") or "localhost", kwargs.get("port") or 6379
        kwargs.update(host=host, port=int(port))
        super().__init__(**kwargs)
        try:
            self.red.ping()
        except Exception as err:  # noqa: BLE001 - redis raises several connection errors
            raise LockStoreUnavailable(
                f"Redis lock store at {host}:{port} is not reachable ({type(err).__name__}): "
                "start Redis, or check REDIS_HOST and REDIS_PORT") from None

    @contextmanager
    def _mutex(self, conversation_id: str) -> Iterator[None]:
        # outside the lock keys' namespace: a conversation id may contain ":"
        with self.red.lock(f"mutex:{self.key_prefix}{conversation_id}", timeout=MUTEX_SECONDS,
                           blocking_timeout=MUTEX_SECONDS):
            yield

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().finish_serving(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # one mutex for the whole step: between "nobody is waiting" and deleting the lock,
        # another server must not issue a ticket (it would be deleted with the lock)
        with self._mutex(conversation_id):
            LockStore.finish_serving(self, conversation_id, ticket_number)
            if not self.is_someone_waiting(conversation_id):
                self.delete_lock(conversation_id)
