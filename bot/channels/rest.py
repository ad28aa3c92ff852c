"""REST channel that keeps the reply contract: one bot message carries text AND custom.

Rasa's stock REST channel sends a response's ``text`` and its ``custom`` payload as two
separate messages and splits text on blank lines; clients of this assistant rely on a
services reply being one message (DESIGN.md). Registered in credentials.yml under this
module's path; it answers at ``/webhooks/rest/webhook`` like the stock channel.
"""
from __future__ import annotations

import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

MESSAGE_KEYS = ("text", "buttons", "quick_replies", "image", "attachment", "elements", "custom")


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
    if body.get("sender") is not None and not isinstance(body.get("sender"), str):
        return "\"sender\" must be a string"
    if body.get("metadata") is not None and not isinstance(body.get("metadata"), dict):
        return "\"metadata\" must be an object"
    return None


class ContractRestInput(RestInput):
    """The REST webhook, answering in the assistant's reply contract."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[None]]
    ) -> Blueprint:
        webhook = Blueprint("contract_rest_webhook", __name__)

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
            collector = ContractOutputChannel()
            try:
                await on_new_message(UserMessage(
                    body["message"], collector, body.get("sender"),
                    input_channel=self.name(), metadata=body.get("metadata")))
            except CancelledError:
                logger.error("rest message timed out")
            except Exception:
                logger.exception("rest message failed")
            return response.json(collector.messages)

        return webhook
