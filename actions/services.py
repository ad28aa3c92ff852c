"""Actions that answer with directory services. Logic lives in bot.dialogue."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import help_flow
from bot.conversation_language import chose_language
from bot.dialogue import (
    Turn,
    detail_turn,
    filters_from_slots,
    list_again_turn,
    need_behind_crisis,
    search_turn,
    translated_turn,
)
from bot.directory.db import open_session
from bot.i18n.languages import reply_language
from bot.i18n.translate import MachineTranslator

_sessions = open_session  # what every action searches and stores through


TRANSLATOR = MachineTranslator(_sessions)


def _language(tracker: Tracker) -> str:
    """The conversation's language, if it is a configured one (a typed payload can set
    the slot to anything)."""
    return reply_language(tracker.slots)


def _send(turn: Turn, dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    for message in turn.messages:
        dispatcher.utter_message(text=message.get("text"), buttons=message.get("buttons", []),
                                 json_message=message.get("custom"))
    return [SlotSet(name, value) for name, value in turn.slots.items()]


async def _in_language(lang: str, make_turn: Callable[..., Turn], *args: Any) -> Turn:
    """``make_turn(*args)`` in a worker thread (it queries the database), its text then
    machine translated if ``lang`` is one we only machine translate."""
    def in_language() -> Turn:
        with TRANSLATOR.reply_budget():  # descriptions and text share one time budget
            return translated_turn(make_turn(*args), lang, TRANSLATOR)

    return await asyncio.to_thread(in_language)


async def _search(tracker: Tracker, intent: str | None,
                  confidence: float | None = None) -> Turn:
    """Services for ``intent`` (a need, or a narrowing follow-up) in the conversation."""
    lang = _language(tracker)
    return await _in_language(lang, search_turn, intent,
                              tracker.latest_message.get("entities", []),
                              filters_from_slots(tracker.slots), lang, _sessions, TRANSLATOR,
                              confidence, tracker.latest_message.get("text") or "")


class ActionFindServices(Action):
    def name(self) -> str:
        return "action_find_services"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        intent = tracker.latest_message.get("intent") or {}
        turn = await _search(tracker, intent.get("name"), intent.get("confidence"))
        return _send(turn, dispatcher)


class ActionServiceDetail(Action):
    def name(self) -> str:
        return "action_service_detail"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        message, lang = tracker.latest_message, _language(tracker)
        turn = await _in_language(
            lang, detail_turn, message.get("intent", {}).get("name"),
            message.get("entities", []), message.get("text") or "",
            tracker.get_slot("listed_services") or [], lang, _sessions,
            tracker.get_slot("focused_service"), tracker.get_slot("category"),
            filters_from_slots(tracker.slots), TRANSLATOR, tracker.get_slot("asked_aspect"),
            message.get("intent_ranking") or [])
        return _send(turn, dispatcher)


class ActionListAgain(Action):
    """After a language chosen mid-search ("can we speak Polish?"): the list again, in it."""

    def name(self) -> str:
        return "action_list_again"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        if not chose_language(tracker.latest_message.get("entities")):
            return []
        lang = _language(tracker)
        turn = await _in_language(lang, list_again_turn, tracker.get_slot("listed_services") or [],
                                  filters_from_slots(tracker.slots), lang, _sessions, TRANSLATOR)
        return _send(turn, dispatcher)


class ActionAfterCrisis(Action):
    """After the crisis reply: if the message also asked for a kind of help, list it too."""

    def name(self) -> str:
        return "action_after_crisis"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        message = tracker.latest_message
        events: list[dict[str, Any]] = []
        if any(tracker.get_slot(name) is not None for name in help_flow.ALL_SLOTS):
            cleared = await asyncio.to_thread(help_flow.forget_unfinished_request, _sessions,
                                              tracker.sender_id)
            events = [SlotSet(name, None) for name in cleared]
        need = need_behind_crisis(message.get("intent_ranking") or [])
        if need is None:
            return events
        turn = await _search(tracker, need)
        return events + _send(turn, dispatcher)
