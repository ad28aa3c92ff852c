""""Is anything open on Saturday?": the list narrowed to services open that day, remembered
for the next follow-up like "open now", against the bundled directory."""
import pytest

from bot.dialogue import SearchFilters, filters_for_turn, filters_from_slots, search_turn
from bot.i18n.catalog import render
from bot.i18n.languages import full_support_languages
from bot.nlu.lexicon import find_entities
from bot.paths import REPO_ROOT, read_yaml

# The bundled directory's Conversation Cafés: only the town-centre café opens on Saturdays
# (Tuesdays and Saturdays); none opens on Sundays.
SATURDAY_CAFE = "Conversation Café, Harrow town centre"


def entities(text):
    return [e.as_rasa() for e in find_entities(text)]


def listed(turn):
    customs = [m["custom"] for m in turn.messages if m.get("custom")]
    assert len(customs) == 1, turn.messages
    return [s["name"] for s in customs[0]["services"]]


def cafes_listed_first(sessions):
    turn = search_turn("need_conversation_cafe", [], SearchFilters(), "en", sessions)
    assert SATURDAY_CAFE in listed(turn) and len(listed(turn)) > 1
    return turn


def test_a_follow_up_asking_for_saturday_narrows_the_list(sessions):
    first = cafes_listed_first(sessions)
    turn = search_turn("refine_search", entities("is anything open on Saturday?"),
                       filters_from_slots(first.slots), "en", sessions)
    assert listed(turn) == [SATURDAY_CAFE]
    assert "(open on Saturdays)" in turn.messages[0]["text"]
    assert turn.slots["open_days"] == ["SA"] and turn.slots["category"] == "conversation_cafe"


def test_the_day_is_remembered_for_the_next_follow_up_and_a_new_need_forgets_it(sessions):
    saturday = search_turn("refine_search", entities("otwarte w sobotę"),
                           SearchFilters(category="conversation_cafe"), "en", sessions)
    state = filters_from_slots(saturday.slots)
    assert state.open_days == ("SA",)
    nearer = search_turn("refine_search", entities("any near Pinner?"), state, "en", sessions)
    assert listed(nearer) == [SATURDAY_CAFE]
    assert (nearer.slots["place"], nearer.slots["open_days"]) == ("Pinner", ["SA"])
    assert "nearest to Pinner first, open on Saturdays" in nearer.messages[0]["text"]
    # another day named replaces it; a new need starts afresh
    assert filters_for_turn("refine_search", entities("and on Sunday?"), state).open_days == (
        "SU",)
    assert filters_for_turn("need_advocacy", [], state) == SearchFilters("advocacy")


def test_a_need_asked_for_a_day_lists_only_services_open_that_day(sessions):
    turn = search_turn("need_conversation_cafe", entities("conversation cafe on saturday"),
                       SearchFilters(), "en", sessions)
    assert listed(turn) == [SATURDAY_CAFE]
    # a day the classifier half-took for another need narrows the list the resident is in
    unsure = search_turn("need_carers", entities("deschis sâmbăta"),
                         SearchFilters(category="conversation_cafe"), "ro", sessions,
                         confidence=0.5)
    assert listed(unsure) == [SATURDAY_CAFE] and unsure.slots["category"] == "conversation_cafe"


def test_a_day_nothing_opens_on_says_so_and_keeps_the_list(sessions):
    first = cafes_listed_first(sessions)
    turn = search_turn("refine_search", entities("anything open on sunday"),
                       filters_from_slots(first.slots), "en", sessions)
    note = turn.messages[0]["text"]
    assert note.startswith("I couldn't find a service for") and "open on Sundays" in note
    assert listed(turn) == listed(first)
    assert turn.slots["open_days"] == []  # a wish nothing met is not kept


def test_a_made_up_day_in_a_payload_is_ignored():
    previous = SearchFilters(category="carers", open_days=("SA",))
    typed = [{"entity": "open_day", "value": "XX"}]
    assert filters_for_turn("refine_search", typed, previous).open_days == ("SA",)
    weekend = [{"entity": "open_day", "value": "SA,SU"}]
    assert filters_for_turn("refine_search", weekend, SearchFilters()).open_days == ("SA", "SU")


@pytest.mark.parametrize("lang", full_support_languages())
def test_the_list_says_which_days_it_was_narrowed_to_in_every_language(lang):
    phrase = SearchFilters(category="carers", open_days=("SA", "SU")).phrase(lang)
    for code in ("SA", "SU"):
        assert render(f"weekday.{code}", lang) in phrase, (lang, phrase)
    if lang == "en":
        assert phrase == " (open on Saturdays or Sundays)"


def test_the_day_slot_and_entity_are_declared_in_the_domain():
    domain = read_yaml(REPO_ROOT / "domain.yml")
    assert domain["slots"]["open_days"]["type"] == "list"
    entities_declared = [next(iter(e)) if isinstance(e, dict) else e
                         for e in domain["entities"]]
    assert "open_day" in entities_declared


def test_a_listed_service_asked_about_by_number_and_day_gets_its_hours():
    """Like "is the third one open now?": that service's hours, not the list narrowed."""
    from rasa.shared.nlu.training_data.message import Message

    from bot.conversation_language import CONVERSATION_KEY
    from bot.nlu.components import OneServiceQuestion

    def read_as(text):
        message = Message(data={
            "text": text, "entities": entities(text),
            "metadata": {CONVERSATION_KEY: {"searching": True}},
            "intent": {"name": "refine_search", "confidence": 0.7},
            "intent_ranking": [{"name": "refine_search", "confidence": 0.7}]})
        return OneServiceQuestion({}).process([message])[0].get("intent")["name"]

    assert read_as("is the third one open on saturday") == "ask_opening_hours"
    # no number, or more than when: the list is narrowed
    assert read_as("which ones are open on saturday") == "refine_search"
    assert read_as("is the third one in Pinner open on saturday") == "refine_search"


def test_an_hours_question_about_the_whole_list_naming_a_day_narrows_it(sessions):
    """The classifier reads "is anything open on Saturday?" as an opening-hours question
    (the training data has "are they open on saturday"): about the whole list, the answer
    is the services open then, not every listed service's hours."""
    from bot.dialogue import detail_turn

    first = cafes_listed_first(sessions)
    ids, search = first.slots["listed_services"], filters_from_slots(first.slots)
    text = "is anything open on Saturday?"
    turn = detail_turn("ask_opening_hours", entities(text), text, ids, "en", sessions,
                       category="conversation_cafe", search=search)
    assert listed(turn) == [SATURDAY_CAFE] and turn.slots["open_days"] == ["SA"]
    # about one service (by number, or the one just asked about) it is that one's hours
    one = detail_turn("ask_opening_hours", entities("is the second one open on Saturday"),
                      "is the second one open on Saturday", ids, "en", sessions,
                      search=search)
    assert "open_days" not in one.slots and len(one.messages[0]["custom"]["services"]) == 1
    focused = detail_turn("ask_opening_hours", entities(text), text, ids, "en", sessions,
                          focused=ids[1], search=search)
    assert focused.messages[0]["custom"]["services"][0]["id"] == ids[1]
    # without a day or "now" it is every listed service's hours, as before
    every = detail_turn("ask_opening_hours", [], "when are they open", ids, "en", sessions,
                        search=search)
    assert len(every.messages[0]["custom"]["services"]) == len(ids)
