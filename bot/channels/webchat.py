"""The web chat widget's channel: ``/webhooks/webchat/...``.

- ``POST /webhook``: the same reply contract and guard rails as the REST channel
  (bot.channels.rest: sender id validated, message length limited, the resident's language
  taken from ``metadata.language``), plus a per-sender rate limit: a page that floods the
  assistant gets a polite reply in the resident's language instead of an answer, and other
  residents are not slowed down. Configured in credentials.yml (``rate_limit_messages`` per
  ``rate_limit_seconds``).
- ``POST /forget`` ``{"sender": "..."}``: "delete this conversation" — the tracker is deleted
  from the tracker store (bot.conversations). Sender ids are random per browser tab, so only
  the tab that holds one can ask.
- ``GET /strings?language=ro``: the widget's own words in a language (bot.web).

The widget's files themselves are served by bot.channels.widget_files at ``/chat/``.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.rest import ContractRestInput, _reply, language_of_request, request_problem
from bot.conversations import CannotForget, forget_conversation
from bot.i18n.catalog import render, tagged_with_language
from bot.web import widget_strings

logger = logging.getLogger(__name__)

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
    return _reply(sender, tagged_with_language({"text": render("error.rate_limited", lang)},
                                               lang))


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
                     on_new_message: Callable[[UserMessage], Awaitable[None]],
                     offered: set[str] | None = None, agent: Any = None) -> list[dict]:
        if not self.limiter.allow(body["sender"]):  # no store read for a flood
            return [rate_limited_reply(body["sender"], language_of_request(body))]
        return await super().handle(body, on_new_message, offered, agent)

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[None]]
    ) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.route("/forget", methods=["POST"])
        async def forget(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except InvalidUsage:
                body = None
            problem = request_problem({**body, "message": ""} if isinstance(body, dict)
                                      else body)
            if problem:
                return response.json({"error": problem}, status=400)
            return await forget_reply(request.app.ctx.agent, body["sender"])

        @webhook.route("/strings", methods=["GET"])
        async def strings(request: Request) -> HTTPResponse:
            return response.json(widget_strings(request.args.get("language")),
                                 headers={"Cache-Control": "max-age=300"})

        return webhook


def _forget_drafts(sender: str) -> int:
    from bot.directory.db import session_factory
    from bot.help_flow import discard_conversation_drafts

    return discard_conversation_drafts(session_factory(), sender)


async def forget_reply(agent: Any, sender: str) -> HTTPResponse:
    """Delete the conversation, waiting for any message of it still being answered."""
    try:
        async with agent.lock_store.lock(sender):
            deleted = await forget_conversation(agent.tracker_store, sender)
            deleted += await asyncio.to_thread(_forget_drafts, sender)
    except CannotForget as err:
        logger.error("%s", err)
        return response.json({"error": str(err)}, status=501)
    except Exception:
        logger.exception("forgetting a conversation failed")
        return response.json({"error": "the conversation could not be deleted now; "
                              "try again later"}, status=503)
    return response.json({"deleted": deleted > 0})
