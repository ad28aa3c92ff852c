"""REST channel that keeps the reply contract: one bot message carries text AND custom.

Rasa's stock REST channel sends a response's ``text`` and its ``custom`` payload as two
separate messages and splits text on blank lines; clients of this assistant rely on a
services reply being one message (DESIGN.md). Registered in credentials.yml under this
module's path; it answers at ``/webhooks/rest/webhook`` like the stock channel.

It also guards the door: a malformed request gets a 400 naming the problem; an over-long
message gets a polite reply (and the crisis reply first if it signals danger) without
reaching the NLU pipeline; a ``/intent`` payload that signals danger is treated as plain
text so the crisis guard sees it; and if anything fails, the resident still gets the
council's contact route rather than silence.
"""
from __future__ import annotations

import logging
import re
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import payloads
from bot.i18n.catalog import SOURCE_LANGUAGE, render, tagged_with_language
from bot.nlg import crisis_reply
from bot.rasa_speedups import install as install_speedups
from bot.rasa_speedups import settle_after_start
from bot.replies import contact_route
from bot.safety.crisis import detect_crisis

logger = logging.getLogger(__name__)
install_speedups()  # the Rasa server loads this module; see bot.rasa_speedups

MESSAGE_KEYS = ("text", "buttons", "quick_replies", "image", "attachment", "elements", "custom")
MAX_MESSAGE_CHARS = 2000
# Beyond this a request is refused outright (413) rather than scanned for danger: no person
# types it, and scanning megabytes would stall every other resident's conversation.
MAX_REQUEST_CHARS = 50_000
MAX_SENDER_CHARS = 128
SENDER_PATTERN = re.compile(r"[A-Za-z0-9_.:@-]+")


class ContractOutputChannel(CollectingOutputChannel):
    """Collects each bot response as exactly one message, all of its parts together."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        payload: dict[str, Any] = {"recipient_id": recipient_id}
        payload.update({key: message[key] for key in MESSAGE_KEYS if message.get(key)})
        if len(payload) > 1:
            await self._persist_message(payload)


def request_problem(body: Any) -> str | None:
    """Why a webhook request body is unusable, or None when it is fine."""
    if not isinstance(body, dict):
        return "send a JSON object: {\"sender\": \"...\", \"message\": \"...\"}"
    if not isinstance(body.get("message"), str):
        return "\"message\" must be a string"
    sender = body.get("sender")
    if not isinstance(sender, str) or not SENDER_PATTERN.fullmatch(sender) \
            or len(sender) > MAX_SENDER_CHARS:
        return (f"\"sender\" must be a conversation id of 1-{MAX_SENDER_CHARS} letters, digits "
                "or _.:@- (each resident needs their own)")
    if body.get("metadata") is not None and not isinstance(body.get("metadata"), dict):
        return "\"metadata\" must be an object"
    return None


def _reply(sender: str, message: dict) -> dict:
    return {"recipient_id": sender, **message}


def _notice_after_any_crisis(sender: str, text: str, notice: str, lang: str) -> list[dict]:
    """``notice``, preceded by the crisis reply when ``text`` signals danger."""
    replies = [_reply(sender, crisis_reply(lang))] if detect_crisis(text) else []
    return replies + [_reply(sender, tagged_with_language({"text": notice}, lang))]


def language_of_request(body: dict, current: str | None = None) -> str:
    """The language for a reply the channel itself gives (errors, too long), by DESIGN.md's
    rule: the client's explicit choice, else the message's own language when it switches
    (or clear, when the conversation has none yet: ``current`` None), else ``current``."""
    from bot.i18n.detect import choose_reply_language
    try:
        return choose_reply_language(current, str(body.get("message", ""))[:MAX_MESSAGE_CHARS],
                                     body.get("metadata"), first_message=current is None)
    except Exception:  # an error reply must never fail
        logger.exception("language of the request unknown")
        return current or SOURCE_LANGUAGE


async def conversation_language(agent: Any, sender: str) -> str | None:
    """The language the conversation is in (its slots), None when it has none or the store
    cannot say: read only for the channel's own error replies."""
    from bot.i18n.languages import reply_language
    try:
        tracker = await agent.tracker_store.retrieve(sender)
    except Exception:  # an error reply must never fail
        logger.exception("could not read the conversation's language")
        return None
    slots = {name: tracker.get_slot(name) for name in ("language", "detected_language")} \
        if tracker is not None else {}
    return reply_language(slots) if any(slots.values()) else None


async def error_reply_language(body: dict, agent: Any = None) -> str:
    """``language_of_request`` in the conversation's language: a Tamil conversation is told
    in Tamil that a message was too long, whatever that message was written in."""
    current = await conversation_language(agent, body["sender"]) if agent is not None else None
    return language_of_request(body, current)


def too_long_replies(sender: str, text: str, lang: str = SOURCE_LANGUAGE) -> list[dict]:
    """What an over-long message gets: the crisis reply first if it signals danger."""
    notice = render("error.too_long", lang, length=len(text), limit=MAX_MESSAGE_CHARS)
    return _notice_after_any_crisis(sender, text, notice, lang)


def failure_replies(sender: str, text: str, lang: str = SOURCE_LANGUAGE) -> list[dict]:
    """What the resident gets when the turn failed: never silence."""
    notice = f"{render('error.general', lang)} {contact_route(lang)}"
    return _notice_after_any_crisis(sender, text, notice, lang)


def text_for_pipeline(text: str, metadata: dict | None = None) -> str:
    """A typed ``/intent{...}`` that signals danger goes through NLU as plain text. A button
    payload skips the NLU pipeline, and with it the language step: the client's explicit
    language (``metadata.language``) is added to it as the ``reply_language`` entity."""
    if payloads.looks_like_payload(text) and detect_crisis(text):
        return text.lstrip().lstrip("/")
    from bot.i18n.detect import explicit_language

    return payloads.with_language(text, explicit_language(metadata))


async def offered_to(agent: Any, body: dict) -> set[str]:
    """Payloads the conversation was offered (read only when the message is a payload)."""
    if not payloads.looks_like_payload(body["message"]):
        return set()
    try:
        tracker = await agent.tracker_store.retrieve(body["sender"])
    except Exception:  # the store is down: no payload is trusted
        logger.exception("could not read the conversation to check a payload")
        return set()
    return payloads.offered_payloads([e.as_dict() for e in tracker.events] if tracker else [])


class ContractRestInput(RestInput):
    """The REST webhook, answering in the assistant's reply contract."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    async def handle(self, body: dict,
                     on_new_message: Callable[[UserMessage], Awaitable[None]],
                     offered: set[str] | None = None, agent: Any = None) -> list[dict]:
        """Answer one message. ``offered``: payloads of the buttons this conversation was
        given (None: every payload allowed; unit tests of the contract use that). ``agent``:
        where the conversation's language is read for the channel's own error replies."""
        sender, text = body["sender"], body["message"]
        if len(text) > MAX_MESSAGE_CHARS:
            return too_long_replies(sender, text, await error_reply_language(body, agent))
        metadata = body.get("metadata")
        if offered is not None:
            text, metadata = payloads.guarded_message(text, offered, metadata)
        collector = ContractOutputChannel()
        try:
            await on_new_message(UserMessage(
                text_for_pipeline(text, metadata), collector, sender,
                input_channel=self.name(), metadata=metadata))
        except CancelledError:
            logger.error("rest message timed out")
        except Exception:
            logger.exception("rest message failed")
        return collector.messages or failure_replies(
            sender, text, await error_reply_language(body, agent))

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[None]]
    ) -> Blueprint:
        webhook = Blueprint(f"{self.name()}_contract_webhook", __name__)
        settle_after_start(webhook)  # the model loaded: out of garbage collection's way

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except InvalidUsage:  # malformed JSON
                body = None
            problem = request_problem(body)
            if problem:
                return response.json({"error": problem}, status=400)
            if len(body["message"]) > MAX_REQUEST_CHARS:
                return response.json({"error": f"\"message\" is longer than "
                                      f"{MAX_REQUEST_CHARS} characters"}, status=413)
            offered = await offered_to(request.app.ctx.agent, body)
            return response.json(await self.handle(body, on_new_message, offered,
                                                   request.app.ctx.agent))

        return webhook
