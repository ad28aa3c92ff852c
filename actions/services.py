"""Actions that answer with directory services. Logic lives in bot.dialogue."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue import Turn, detail_turn, filters_from_slots, search_turn
from bot.directory.db import session_factory


def _language(tracker: Tracker) -> str:
    return tracker.get_slot("language") or "en"


def _send(turn: Turn, dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    for message in turn.messages:
        dispatcher.utter_message(text=message.get("text"), buttons=message.get("buttons", []),
                                 json_message=message.get("custom"))
    return [SlotSet(name, value) for name, value in turn.slots.items()]


class ActionFindServices(Action):
    def name(self) -> str:
        return "action_find_services"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        message = tracker.latest_message
        turn = search_turn(message.get("intent", {}).get("name"), message.get("entities", []),
                           filters_from_slots(tracker.slots), _language(tracker),
                           session_factory())
        return _send(turn, dispatcher)


class ActionServiceDetail(Action):
    def name(self) -> str:
        return "action_service_detail"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        message = tracker.latest_message
        turn = detail_turn(message.get("intent", {}).get("name"), message.get("entities", []),
                           message.get("text") or "", tracker.get_slot("listed_services") or [],
                           _language(tracker), session_factory())
        return _send(turn, dispatcher)
