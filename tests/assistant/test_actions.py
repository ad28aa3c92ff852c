"""Every action, run as the action server runs it, with a CollectingDispatcher."""
import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.services import (
    ActionAfterCrisis,
    ActionFindServices,
    ActionListAgain,
    ActionServiceDetail,
)
from bot.nlu.lexicon import find_entities


def tracker(text, intent, slots=None, confidence=1.0):
    return Tracker(sender_id="resident-1", slots={"language": "en", **(slots or {})},
                   latest_message={"text": text,
                                   "intent": {"name": intent, "confidence": confidence},
                                   "entities": [e.as_rasa() for e in find_entities(text)]},
                   events=[], paused=False, followup_action=None, active_loop={},
                   latest_action_name="action_listen")


def run(action, dispatcher, tracker_):
    return asyncio.run(action.run(dispatcher, tracker_, {}))


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_find_services_dispatches_contract_and_sets_slots(directory_env):
    dispatcher = CollectingDispatcher()
    events = run(ActionFindServices(), dispatcher, tracker("I need an advocate", "need_advocacy"))
    first = dispatcher.messages[0]
    assert first["custom"]["type"] == "services" and first["custom"]["category"] == "advocacy"
    assert first["text"].startswith("Here are")
    assert dispatcher.messages[-1]["buttons"], "narrowing choices follow the list"
    slots = slot_events(events)
    assert slots["category"] == "advocacy"
    assert slots["listed_services"] == [s["id"] for s in first["custom"]["services"]]


def test_find_services_refines_the_current_search(directory_env):
    dispatcher = CollectingDispatcher()
    events = run(ActionFindServices(), dispatcher,
                 tracker("any in Stanmore", "refine_search", {"category": "carers"}))
    slots = slot_events(events)
    assert slots["category"] == "carers" and slots["place"] == "Stanmore"
    assert dispatcher.messages[0]["custom"]["services"][0]["distance_km"] is not None


def test_find_services_reads_an_unsure_other_need_with_a_place_as_narrowing(directory_env):
    current = {"category": "mental_health", "language": "pt"}
    unsure = slot_events(run(ActionFindServices(), CollectingDispatcher(), tracker(
        "no centro de Harrow", "need_community_groups", current, confidence=0.67)))
    assert unsure["category"] == "mental_health" and unsure["place"] == "Harrow town centre"
    sure = slot_events(run(ActionFindServices(), CollectingDispatcher(), tracker(
        "grupos comunitários no centro de Harrow", "need_community_groups", current)))
    assert sure["category"] == "community_groups"


def test_service_detail_answers_from_listed_services(directory_env):
    listing = CollectingDispatcher()
    events = run(ActionFindServices(), listing, tracker("carer help", "need_carers"))
    listed = slot_events(events)["listed_services"]
    dispatcher = CollectingDispatcher()
    run(ActionServiceDetail(), dispatcher, tracker("where is the first one", "ask_address",
                                                  {"listed_services": listed,
                                                   "category": "carers"}))
    first = listing.messages[0]["custom"]["services"][0]
    assert dispatcher.messages[0]["text"].startswith(first["name"])
    custom = dispatcher.messages[0]["custom"]
    assert (custom["type"], custom["category"], custom["aspect"]) == \
        ("services", "carers", "address"), "the contract names the need, as for the list"


def test_service_detail_without_a_list_asks_for_a_need(directory_env):
    dispatcher = CollectingDispatcher()
    events = run(ActionServiceDetail(), dispatcher, tracker("what's their number", "ask_phone"))
    assert events == []
    assert "Which service do you mean" in dispatcher.messages[0]["text"]


def test_find_services_when_the_database_is_unreachable(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    dispatcher = CollectingDispatcher()
    run(ActionFindServices(), dispatcher, tracker("carer help", "need_carers"))
    assert "can't look up services" in dispatcher.messages[0]["text"]


def test_find_services_when_the_database_url_is_unusable(monkeypatch):
    """A bad DATABASE_URL (no driver) still gives the resident the council route."""
    monkeypatch.setenv("DATABASE_URL", "nosuchdb://x/y")
    dispatcher = CollectingDispatcher()
    run(ActionServiceDetail(), dispatcher,
        tracker("what's their phone number", "ask_phone", {"listed_services": ["x"]}))
    assert "can't look up services" in dispatcher.messages[0]["text"]


def test_after_crisis_lists_the_need_the_message_also_expressed(directory_env):
    crisis = tracker("I want to end it all, I can't cope caring for my mum", "crisis")
    crisis.latest_message["intent_ranking"] = [
        {"name": "crisis", "confidence": 1.0}, {"name": "need_carers", "confidence": 0.6}]
    dispatcher = CollectingDispatcher()
    run(ActionAfterCrisis(), dispatcher, crisis)
    assert dispatcher.messages[0]["custom"]["category"] == "carers"


def test_after_crisis_says_nothing_more_without_a_need(directory_env):
    crisis = tracker("my dad is not breathing", "crisis")
    crisis.latest_message["intent_ranking"] = [
        {"name": "crisis", "confidence": 1.0}, {"name": "greet", "confidence": 0.6}]
    dispatcher = CollectingDispatcher()
    assert run(ActionAfterCrisis(), dispatcher, crisis) == []
    assert dispatcher.messages == []


def test_a_language_chosen_mid_search_shows_the_list_again_in_it(directory_env):
    """"can we speak Polish?" after an English list got only "from now on I'll write in
    Polish": the resident had to ask for the services again."""
    listing = CollectingDispatcher()
    listed = slot_events(run(ActionFindServices(), listing,
                             tracker("any carers support in Pinner", "need_carers")))
    chosen = {"entity": "reply_language", "value": "pl", "extractor": "LanguageRequest"}
    asked = Tracker(sender_id="resident-1", slots={**listed, "language": "pl"},
                    latest_message={"text": "can we speak Polish?",
                                    "intent": {"name": "choose_language", "confidence": 0.99},
                                    "entities": [{"entity": "spoken_language", "value": "pl"},
                                                 chosen]},
                    events=[], paused=False, followup_action=None, active_loop={},
                    latest_action_name="utter_language_menu")
    again = CollectingDispatcher()
    events = run(ActionListAgain(), again, asked)
    custom = again.messages[0]["custom"]
    assert custom["language"] == "pl" and custom["category"] == "carers"
    assert [s["id"] for s in custom["services"]] == listed["listed_services"]
    assert slot_events(events)["spoken_language"] is None  # "Polish" named no wish
    # nothing listed, or the language only detected: nothing more is said
    for slots, entities in (({"language": "pl"}, [chosen]),
                            ({**listed, "language": "pl"},
                             [{**chosen, "extractor": "LanguageDetector"}])):
        quiet = CollectingDispatcher()
        bare = Tracker(sender_id="resident-1", slots=slots,
                       latest_message={"text": "polski", "entities": entities,
                                       "intent": {"name": "choose_language"}},
                       events=[], paused=False, followup_action=None, active_loop={},
                       latest_action_name="utter_language_menu")
        assert run(ActionListAgain(), quiet, bare) == [] and quiet.messages == []
