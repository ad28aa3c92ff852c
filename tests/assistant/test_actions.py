"""Every action, run as the action server runs it, with a CollectingDispatcher."""
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.services import ActionFindServices, ActionServiceDetail
from bot.nlu.lexicon import find_entities


def tracker(text, intent, slots=None):
    return Tracker(sender_id="resident-1", slots={"language": "en", **(slots or {})},
                   latest_message={"text": text, "intent": {"name": intent, "confidence": 1.0},
                                   "entities": [e.as_rasa() for e in find_entities(text)]},
                   events=[], paused=False, followup_action=None, active_loop={},
                   latest_action_name="action_listen")


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_find_services_dispatches_contract_and_sets_slots(directory_env):
    dispatcher = CollectingDispatcher()
    events = ActionFindServices().run(dispatcher, tracker("I need an advocate", "need_advocacy"),
                                      {})
    first = dispatcher.messages[0]
    assert first["custom"]["type"] == "services" and first["custom"]["category"] == "advocacy"
    assert first["text"].startswith("Here are")
    assert dispatcher.messages[-1]["buttons"], "narrowing choices follow the list"
    slots = slot_events(events)
    assert slots["category"] == "advocacy"
    assert slots["listed_services"] == [s["id"] for s in first["custom"]["services"]]


def test_find_services_refines_the_current_search(directory_env):
    dispatcher = CollectingDispatcher()
    events = ActionFindServices().run(
        dispatcher, tracker("any in Stanmore", "refine_search", {"category": "carers"}), {})
    slots = slot_events(events)
    assert slots["category"] == "carers" and slots["place"] == "Stanmore"
    assert dispatcher.messages[0]["custom"]["services"][0]["distance_km"] is not None


def test_service_detail_answers_from_listed_services(directory_env):
    listing = CollectingDispatcher()
    events = ActionFindServices().run(listing, tracker("carer help", "need_carers"), {})
    listed = slot_events(events)["listed_services"]
    dispatcher = CollectingDispatcher()
    ActionServiceDetail().run(dispatcher, tracker("where is the first one", "ask_address",
                                                  {"listed_services": listed}), {})
    first = listing.messages[0]["custom"]["services"][0]
    assert dispatcher.messages[0]["text"].startswith(first["name"])


def test_service_detail_without_a_list_asks_for_a_need(directory_env):
    dispatcher = CollectingDispatcher()
    events = ActionServiceDetail().run(dispatcher, tracker("what's their number", "ask_phone"),
                                       {})
    assert events == []
    assert "Which service do you mean" in dispatcher.messages[0]["text"]


def test_find_services_when_the_database_is_unreachable(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    dispatcher = CollectingDispatcher()
    ActionFindServices().run(dispatcher, tracker("carer help", "need_carers"), {})
    assert "can't look up services" in dispatcher.messages[0]["text"]
