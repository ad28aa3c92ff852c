"""Rasa's Redis lock store, made safe for several servers and checked at start-up.

- Rasa 3.6's RedisLockStore changes a conversation's ticket lock by reading it, changing it
  and writing it back. Two servers that receive messages of one conversation at the same
  moment can both read "nobody waiting", both take ticket 0 and answer at once: a message's
  events were lost that way in tests/live/test_two_servers.py. Here every change of a lock
  (issuing a ticket; giving it back, and deleting the lock if nobody else waits; a waiting
  server dropping expired tickets) is one Lua script that Redis runs atomically, doing what
  Rasa's TicketLock does to the same stored JSON. One round trip each, where a mutex around
  Rasa's read-change-write took four to six: Redis calls block the server's event loop, and
  the lock was 7% of a server's time under load (README: Load).
- A server that cannot reach Redis stops at start-up with one clear line, instead of starting
  and then failing every resident's message.
"""
from __future__ import annotations

import time
from typing import Any

from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore

# The stored lock is Rasa's TicketLock.dumps(): {"conversation_id": ..., "tickets": [...]},
# each ticket itself a JSON string {"number": n, "expires": t}. A ticket has expired when
# now > expires (Ticket.has_expired); the clock is the server's (time.time()), as in Rasa.
_TICKETS_LEFT = """
local now = tonumber(ARGV[1])
local kept, last = {}, -1
local raw = redis.call('GET', KEYS[1])
if raw then
  for _, text in ipairs(cjson.decode(raw)['tickets'] or {}) do
    local ticket = cjson.decode(text)
    if now <= ticket['expires'] and ticket['number'] ~= tonumber(ARGV[2]) then
      table.insert(kept, text)
      last = ticket['number']
    end
  end
end
local function save(tickets)
  local quoted = {}
  for i, text in ipairs(tickets) do quoted[i] = cjson.encode(text) end
  redis.call('SET', KEYS[1], '{"conversation_id": ' .. cjson.encode(ARGV[3]) ..
             ', "tickets": [' .. table.concat(quoted, ', ') .. ']}')
end
"""
# LockStore.finish_serving (the ticket ARGV[2] given back) and update_lock (ARGV[2] = -1):
# expired tickets dropped and the lock saved, if there is one.
_DROP = _TICKETS_LEFT + """
if raw then save(kept) end
return #kept
"""
# TicketLock.issue_ticket: expired tickets dropped, the next number after the last left
# (0 when none is left), the ticket appended; returns its number.
_ISSUE = _TICKETS_LEFT + """
local number = last + 1
table.insert(kept, string.format('{"number": %d, "expires": %s}', number, ARGV[4]))
save(kept)
return number
"""
# LockStore.cleanup: the ticket (and expired ones) removed; the lock deleted if no ticket is
# left, as is_someone_waiting then says nobody waits.
_GIVE_BACK = _TICKETS_LEFT + """
if #kept == 0 then
  redis.call('DEL', KEYS[1])
  return 0
end
save(kept)
return #kept
"""


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
        self._issue = self.red.register_script(_ISSUE)
        self._give_back = self.red.register_script(_GIVE_BACK)
        self._drop = self.red.register_script(_DROP)
        try:
            self.red.ping()
        except Exception as err:  # noqa: BLE001 - redis raises several connection errors
            raise LockStoreUnavailable(
                f"Redis lock store at {host}:{port} is not reachable ({type(err).__name__}): "
                "start Redis, or check REDIS_HOST and REDIS_PORT") from None

    def _run(self, script: Any, conversation_id: str, ticket: int, *extra: str) -> int:
        """One script on the conversation's lock: ARGV is now, a ticket number (-1 for
        none), the conversation id, then ``extra``."""
        return int(script(keys=[self.key_prefix + conversation_id],
                          args=[repr(time.time()), int(ticket), conversation_id, *extra]))

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:  # expiry counted from the moment of issue, as Rasa's time.time() + lifetime
            return self._run(self._issue, conversation_id, -1,
                             repr(time.time() + lock_lifetime))
        except Exception as err:  # as Rasa's issue_ticket
            raise LockError(f"Error while acquiring lock. Error:\n{err}") from err

    def update_lock(self, conversation_id: str) -> None:
        self._run(self._drop, conversation_id, -1)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._run(self._drop, conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # one script for the whole step: between "nobody is waiting" and deleting the lock,
        # another server must not issue a ticket (it would be deleted with the lock)
        self._run(self._give_back, conversation_id, ticket_number)
