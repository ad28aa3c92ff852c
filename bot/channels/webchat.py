"""The web chat widget's channel (issue 4, server side): ``/webhooks/webchat/webhook``.

The same reply contract and guard rails as the REST channel (bot.channels.rest: sender id
validated, message length limited, the resident's language taken from ``metadata.language``),
plus a per-sender rate limit: a page that floods the assistant gets a polite reply in the
resident's language instead of an answer, and other residents are not slowed down.
Configured in credentials.yml (``rate_limit_messages`` per ``rate_limit_seconds``).
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage

from bot.channels.rest import ContractRestInput, _reply, language_of_request
from bot.i18n.catalog import SOURCE_LANGUAGE, render, text_language

DEFAULT_MESSAGES = 10
DEFAULT_SECONDS = 60.0
MAX_TRACKED_SENDERS = 10_000


class RateLimiter:
    """At most ``messages`` per sender in any ``seconds``-long window (sliding). Remembers
    the most recently active ``max_senders`` senders, so memory stays bounded."""

    def __init__(self, messages: int = DEFAULT_MESSAGES, seconds: float = DEFAULT_SECONDS,
                 max_senders: int = MAX_TRACKED_SENDERS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if messages < 1 or seconds <= 0:
            raise ValueError("rate limit: messages must be >= 1 and seconds > 0")
        self.messages, self.seconds, self.max_senders = messages, seconds, max_senders
        self._clock = clock
        self._recent: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, sender: str) -> bool:
        """Record a message from ``sender``; False when it is over the limit (not counted)."""
        now = self._clock()
        with self._lock:
            times = self._recent.pop(sender, None) or deque()
            while times and now - times[0] >= self.seconds:
                times.popleft()
            allowed = len(times) < self.messages
            if allowed:
                times.append(now)
            self._recent[sender] = times
            while len(self._recent) > self.max_senders:
                self._recent.popitem(last=False)
            return allowed


def rate_limited_reply(sender: str, lang: str) -> dict:
    message: dict[str, Any] = {"text": render("error.rate_limited", lang)}
    if lang != SOURCE_LANGUAGE:
        message["custom"] = text_language(lang)
    return _reply(sender, message)


class WebChatInput(ContractRestInput):
    """The widget's webhook: the REST contract plus a per-sender rate limit."""

    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebChatInput:
        credentials = credentials or {}
        return cls(RateLimiter(int(credentials.get("rate_limit_messages", DEFAULT_MESSAGES)),
                               float(credentials.get("rate_limit_seconds", DEFAULT_SECONDS))))

    def __init__(self, limiter: RateLimiter | None = None) -> None:
        super().__init__()
        self.limiter = limiter or RateLimiter()

    async def handle(self, body: dict,
                     on_new_message: Callable[[UserMessage], Awaitable[None]]) -> list[dict]:
        if not self.limiter.allow(body["sender"]):
            return [rate_limited_reply(body["sender"], language_of_request(body))]
        return await super().handle(body, on_new_message)
