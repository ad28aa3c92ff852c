"""Callback and interpreter request forms: thin adapters to bot.help_flow."""
from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import _language, _send, _sessions
from bot import help_flow
from bot.dialogue import Turn
from bot.i18n.catalog import render, tagged_with_language
from bot.replies import contact_route

logger = logging.getLogger(__name__)


def _say(dispatcher: CollectingDispatcher, message: dict, lang: str) -> None:
    _send(Turn([tagged_with_language(message, lang)]), dispatcher)


def _apology(dispatcher: CollectingDispatcher, lang: str) -> None:
    _say(dispatcher, {"text": f"{render('help.failed', lang)} {contact_route(lang)}"}, lang)


class _ValidateHelpForm(FormValidationAction):
    kind = ""

    @abstractmethod
    def name(self) -> str: ...

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: dict[str, Any]) -> list[str]:
        return help_flow.required_slots(self.kind, tracker.slots)

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: dict[str, Any]) -> list[dict[str, Any]]:
        lang = _language(tracker)
        try:
            slots, messages = await asyncio.to_thread(
                help_flow.validate_answers, tracker.slots_to_validate(), self.kind, lang,
                tracker.sender_id, _sessions, tracker.get_slot("category"))
        except Exception:  # the database is down: stop the form, say so, keep nothing
            logger.exception("help request form failed")
            _apology(dispatcher, lang)
            slots, messages = help_flow.cancelled_slots(), []
        for text in messages:
            _say(dispatcher, {"text": text}, lang)
        return [SlotSet(name, value) for name, value in slots.items()]


class ValidateCallbackForm(_ValidateHelpForm):
    kind = "callback"

    def name(self) -> str:
        return "validate_callback_form"


class ValidateInterpreterForm(_ValidateHelpForm):
    kind = "interpreter"

    def name(self) -> str:
        return "validate_interpreter_form"


def _ask_action(slot: str) -> type[Action]:
    class AskForSlot(Action):
        def name(self) -> str:
            return f"action_ask_{slot}"

        async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: dict[str, Any]) -> list[dict[str, Any]]:
            lang = _language(tracker)
            kind = help_flow.kind_of_form((tracker.active_loop or {}).get("name")) or "callback"
            message = await asyncio.to_thread(help_flow.ask_message, slot, kind, lang,
                                              tracker.sender_id, _sessions, tracker.slots)
            _say(dispatcher, message, lang)
            return []

    AskForSlot.__name__ = f"Ask_{slot}"
    return AskForSlot


ASK_ACTIONS = [_ask_action(slot) for slot in help_flow.ALL_SLOTS]


class _SubmitHelpRequest(Action, ABC):
    kind = ""

    @abstractmethod
    def name(self) -> str: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        lang = _language(tracker)
        try:
            text = await asyncio.to_thread(help_flow.submit_message, self.kind, lang,
                                           tracker.sender_id, _sessions, tracker.slots)
            _say(dispatcher, {"text": text}, lang)
        except Exception:
            logger.exception("help request could not be stored")
            _apology(dispatcher, lang)
        return [SlotSet(name, None) for name in help_flow.ALL_SLOTS]


class SubmitCallback(_SubmitHelpRequest):
    kind = "callback"

    def name(self) -> str:
        return "action_submit_callback"


class SubmitInterpreter(_SubmitHelpRequest):
    kind = "interpreter"

    def name(self) -> str:
        return "action_submit_interpreter"
