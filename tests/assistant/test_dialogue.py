"""Search and follow-up turns against the bundled directory, as a resident would see them."""
import pytest

from bot.dialogue import (
    CALLBACK_PAYLOAD,
    CATEGORY_BUTTONS,
    SearchFilters,
    detail_turn,
    filters_for_turn,
    pick_services,
    search_turn,
)
from bot.i18n.catalog import render
from bot.nlu.lexicon import find_entities


def entities(text):
    return [e.as_rasa() for e in find_entities(text)]


def services_of(turn):
    customs = [m["custom"] for m in turn.messages if m.get("custom")]
    assert len(customs) == 1, turn.messages
    return customs[0]


@pytest.mark.parametrize("category", CATEGORY_BUTTONS)
def test_first_reply_to_a_need_lists_matching_services(category, sessions):
    turn = search_turn(f"need_{category}", [], SearchFilters(), "en", sessions)
    first = turn.messages[0]
    custom = services_of(turn)
    assert first["custom"] is custom, "services come first, narrowing questions after"
    assert custom["type"] == "services" and custom["category"] == category
    assert custom["language"] == "en"
    assert len(custom["services"]) >= 2
    for service in custom["services"]:
        assert category in service["categories"]
        assert service["name"] in first["text"]
    assert "narrow" in turn.messages[-1]["text"] and turn.messages[-1]["buttons"]
    assert turn.slots["listed_services"] == [s["id"] for s in custom["services"]]


def test_contract_fields_present(sessions):
    turn = search_turn("need_interpreting", [], SearchFilters(), "en", sessions)
    service = services_of(turn)["services"][0]
    for key in ("id", "name", "categories", "description", "phone", "email", "url", "address",
                "postcode", "opening_hours", "open_now", "languages", "accessibility",
                "distance_km", "machine_translated"):
        assert key in service
    assert service["machine_translated"] is False


def test_sample_data_is_labelled_in_text(sessions):
    turn = search_turn("need_carers", [], SearchFilters(), "en", sessions)
    assert turn.messages[0]["text"].count("Sample data") == 1  # once, below the list
    for service in services_of(turn)["services"]:
        if service["sample_data"] and service["phone"]:
            assert service["phone"].startswith("020 7946 0")


def test_narrowing_by_place_sorts_nearest_first(sessions):
    first = search_turn("need_mental_health", [], SearchFilters(), "en", sessions)
    state = SearchFilters(**{k: first.slots[k] for k in ("category", "place", "spoken_language",
                                                         "open_now")})
    turn = search_turn("refine_search", entities("any near Pinner?"), state, "en", sessions)
    custom = services_of(turn)
    distances = [s["distance_km"] for s in custom["services"] if s["distance_km"] is not None]
    assert distances and distances == sorted(distances)
    assert "nearest to Pinner" in turn.messages[-1]["text"] or \
        "nearest to Pinner" in turn.messages[0]["text"]
    assert turn.slots["category"] == "mental_health" and turn.slots["place"] == "Pinner"


@pytest.mark.parametrize("text, need, confidence", [
    ("în centrul Harrow", "need_customer_access_point", 0.44),   # what the model said
    ("يتكلم الأردية", "need_advocacy", 0.71),
    ("தமிழ் பேசுபவர்கள்", "need_community_groups", 0.57),
])
def test_a_follow_up_naming_only_where_or_who_narrows_the_list(sessions, text, need,
                                                                confidence):
    state = SearchFilters(category="mental_health")
    turn = search_turn(need, entities(text), state, "en", sessions, confidence=confidence,
                       text=text)
    assert turn.slots["category"] == "mental_health"
    assert services_of(turn)["category"] == "mental_health"
    narrowed = {k: turn.slots[k] for k in ("place", "spoken_language")}
    assert narrowed in ({"place": "Harrow town centre", "spoken_language": None},
                        {"place": None, "spoken_language": "ur"},
                        {"place": None, "spoken_language": "ta"})


def test_a_sentence_explaining_a_new_need_with_a_place_is_that_need(sessions):
    """The classifier was unsure (< 0.9) of work support, and the place in the sentence made
    it narrow the community groups listed before."""
    text = ("fiul meu are nevoie de ajutor să-și găsească un loc de muncă, locuim în "
            "Wealdstone")
    state = SearchFilters(category="community_groups")
    turn = search_turn("need_employment_support", entities(text), state, "ro", sessions,
                       confidence=0.6, text=text)
    assert turn.slots["category"] == "employment_support"
    assert turn.slots["place"] == "Wealdstone"


def test_a_clear_new_need_with_a_place_starts_a_new_search(sessions):
    state = SearchFilters(category="mental_health", spoken_language="ta")
    turn = search_turn("need_carers", entities("carers in Pinner"), state, "en", sessions,
                       confidence=1.0)
    assert turn.slots["category"] == "carers" and turn.slots["place"] == "Pinner"
    assert turn.slots["spoken_language"] is None
    # and an unsure need with nothing to narrow by is still that need
    unsure = search_turn("need_carers", [], state, "en", sessions, confidence=0.5)
    assert unsure.slots["category"] == "carers"


def test_a_wish_nothing_meets_drops_only_that_wish_and_offers_a_callback(sessions):
    """Advocacy near Edgware speaking Polish, then wheelchair access: none has all of it,
    so the Polish-speaking list stays (before: only the place was kept) and a person is
    offered."""
    previous = SearchFilters(category="advocacy", place="Edgware", spoken_language="pl")
    before = services_of(search_turn("refine_search", [], previous, "en", sessions))
    assert before["services"] and all("pl" in s["languages"] for s in before["services"])
    turn = search_turn("refine_search", [{"entity": "access", "value": "wheelchair"}],
                       previous, "en", sessions)
    note = turn.messages[0]
    assert note["text"].startswith("I couldn't find a service for")
    assert [b["payload"] for b in note["buttons"]] == [CALLBACK_PAYLOAD]
    shown = services_of(turn)
    assert [s["id"] for s in shown["services"]] == [s["id"] for s in before["services"]]
    # the search goes on from what is shown: the next wish is looked for with Polish, not
    # with the wheelchair access nothing had
    assert (turn.slots["spoken_language"], turn.slots["access"]) == ("pl", [])


def test_narrowing_by_language_keeps_category(sessions):
    state = SearchFilters(category="community_groups")
    turn = search_turn("refine_search", entities("one that speaks Tamil"), state, "en",
                       sessions)
    custom = services_of(turn)
    assert custom["services"], "the bundled directory has Tamil-speaking community groups"
    assert all("ta" in s["languages"] for s in custom["services"])
    assert "speaking Tamil" in turn.messages[0]["text"]


def test_impossible_filter_says_so_and_shows_the_category(sessions):
    state = SearchFilters(category="safeguarding")
    turn = search_turn("refine_search", entities("one that speaks Tigrinya"), state, "en",
                       sessions)
    assert turn.messages[0]["text"].startswith("I couldn't find")
    assert "Tigrinya" in turn.messages[0]["text"]
    assert all("safeguarding" in s["categories"] for s in services_of(turn)["services"])


def test_unknown_place_gets_a_helpful_reply_and_keeps_the_search(sessions):
    state = SearchFilters(category="carers", place="Pinner")
    turn = search_turn("refine_search", [{"entity": "place", "value": "Atlantis"}], state,
                       "en", sessions)
    assert "Atlantis" in turn.messages[0]["text"] and "postcode" in turn.messages[0]["text"]
    assert turn.slots["place"] == "Pinner"


def test_refine_without_a_need_asks_which_need(sessions):
    turn = search_turn("refine_search", entities("in Stanmore"), SearchFilters(), "en",
                       sessions)
    assert len(turn.messages[0]["buttons"]) == len(CATEGORY_BUTTONS)
    assert turn.slots["place"] == "Stanmore"


def test_a_new_need_resets_the_filters():
    previous = SearchFilters(category="carers", place="Pinner", spoken_language="ta",
                             open_now=True)
    assert filters_for_turn("need_advocacy", [], previous) == SearchFilters("advocacy")
    refined = filters_for_turn("refine_search", entities("with a hearing loop"), previous)
    assert refined.access == ("hearing_loop",) and refined.place == "Pinner"


def test_directory_failure_gives_the_council_route():
    def broken_sessions():
        raise RuntimeError("database is down")

    turn = search_turn("need_carers", [], SearchFilters(), "en", broken_sessions)
    assert "can't look up services" in turn.messages[0]["text"]
    assert "020 7946 0100" in turn.messages[0]["text"]


def test_phone_of_the_second_listed_service(sessions):
    listed = search_turn("need_interpreting", [], SearchFilters(), "en", sessions)
    ids = listed.slots["listed_services"]
    second = services_of(listed)["services"][1]
    turn = detail_turn("ask_phone", entities("what's the number for the second one"),
                       "what's the number for the second one", ids, "en", sessions)
    assert turn.messages[0]["text"].startswith(f"{second['name']}: phone {second['phone']}")
    assert services_of(turn)["services"][0]["id"] == second["id"]
    assert turn.messages[0]["text"].count("Sample data") == 1  # not again in its alert


def test_a_planned_services_alert_still_shows(sessions):
    """The sample sentence leaves a sample record's alert; the rest of it stays."""
    from bot.directory.search import SAMPLE_ALERT, shown_alert
    planned = "This is a planned service and is not running yet."
    assert shown_alert(f"{SAMPLE_ALERT} {planned}", True) == planned
    assert shown_alert(SAMPLE_ALERT, True) == ""
    assert shown_alert(f"{SAMPLE_ALERT} {planned}", False) == f"{SAMPLE_ALERT} {planned}"
    assert shown_alert(None, False) == ""
    from bot.directory.search import active_service_names, get_service
    with sessions() as session:
        notes = [get_service(session, service_id)["note"]
                 for service_id, _ in active_service_names(session)]
    assert planned in notes
    assert not any(note.startswith("Sample data") for note in notes)


def test_hours_and_address_questions(sessions):
    listed = search_turn("need_customer_access_point", [], SearchFilters(), "en", sessions)
    ids = listed.slots["listed_services"]
    first = services_of(listed)["services"][0]
    hours = detail_turn("ask_opening_hours", entities("when is the first one open"),
                        "when is the first one open", ids, "en", sessions)
    assert first["opening_hours"] in hours.messages[0]["text"]
    where = detail_turn("ask_address", entities("where is the first one"),
                        "where is the first one", ids, "en", sessions)
    assert first["postcode"] in where.messages[0]["text"]
    assert "openstreetmap.org" in where.messages[0]["text"]


def test_a_number_beyond_the_list_is_said_to_be_so_not_answered_with_another(sessions):
    first = search_turn("need_carers", [], SearchFilters(), "en", sessions)
    ids = first.slots["listed_services"][:2]
    third = [{"entity": "ordinal", "value": "3"}]
    turn = detail_turn("ask_phone", third, "phone number of the third one", ids, "en", sessions)
    assert turn.messages[0]["text"] == render("detail.no_such_number", "en", count=2, number=3)
    assert "custom" not in turn.messages[0] and turn.slots == {"asked_aspect": "phone"}
    polish = detail_turn("ask_phone", third, "numer do trzeciej", ids, "pl", sessions)
    assert "nie ma numeru 3" in polish.messages[0]["text"]
    # a number in the list still wins over one beyond it; "the last one" is always in it
    both = [{"entity": "ordinal", "value": "5"}, {"entity": "ordinal", "value": "2"}]
    assert detail_turn("ask_phone", both, "", ids, "en", sessions).messages[0]["custom"][
        "services"][0]["id"] == ids[1]
    last = detail_turn("ask_phone", [{"entity": "ordinal", "value": "-1"}], "", ids, "en",
                       sessions)
    assert last.messages[0]["custom"]["services"][0]["id"] == ids[1]


@pytest.mark.parametrize("lang, text", [
    ("en", "phone number of the sixth one"), ("ro", "numărul de telefon al celui de-al șaselea"),
    ("pl", "numer do szóstego"), ("pt", "telefone do sexto"), ("so", "lambarka 6 telefoonkiisa"),
    ("ar", "رقم تلفون السادس"), ("ur", "چھٹا والے کا نمبر"), ("ur", "چھٹے کا فون نمبر"),
    ("ur", "چھٹی سروس کا پتہ"), ("ta", "ஆறாவது நம்பர்"),
    ("gu", "છઠ્ઠાનો નંબર"),
])
def test_the_sixth_one_of_five_is_said_not_to_be_there(sessions, lang, text):
    """Ordinals stopped at five: "the sixth one" gave every listed service's phone."""
    ids = search_turn("need_carers", [], SearchFilters(), "en", sessions).slots[
        "listed_services"]
    turn = detail_turn("ask_phone", entities(text), text, ids, lang, sessions)
    assert turn.messages[0]["text"] == render("detail.no_such_number", lang, count=len(ids),
                                              number=6)


def test_a_bare_number_beyond_the_list_may_be_a_time_and_is_not_refused(sessions):
    ids = search_turn("need_carers", [], SearchFilters(), "en", sessions).slots[
        "listed_services"][:2]
    text = "abre às 5?"
    turn = detail_turn("ask_opening_hours", entities(text), text, ids, "pt", sessions)
    assert [s["id"] for s in turn.messages[0]["custom"]["services"]] == ids


def test_question_without_listed_services_asks_for_a_need(sessions):
    turn = detail_turn("ask_phone", [], "what's their number", [], "en", sessions)
    assert "Which service do you mean" in turn.messages[0]["text"]


def test_pick_by_name_and_default_to_all():
    services = [{"id": "a", "name": "Harrow Carers Wellbeing Group"},
                {"id": "b", "name": "Young Carers Club"}]
    assert pick_services(services, [], "when is the wellbeing group open") == [services[0]]
    assert pick_services(services, [], "when are they open") == services


def test_made_up_filter_values_keep_the_previous_search(sessions):
    previous = SearchFilters(category="carers")
    turn = search_turn("refine_search", [{"entity": "access", "value": "teleport"}], previous,
                       "en", sessions)
    assert turn.messages[0]["buttons"], "asks what help is wanted instead of failing"
    assert turn.slots["access"] == [] and turn.slots["category"] == "carers"


def test_follow_up_about_it_means_the_service_just_asked_about(sessions):
    listed = search_turn("need_carers", [], SearchFilters(), "en", sessions)
    ids = listed.slots["listed_services"]
    second = services_of(listed)["services"][1]
    phone = detail_turn("ask_phone", entities("phone number of the second one"),
                        "phone number of the second one", ids, "en", sessions)
    assert phone.slots["focused_service"] == second["id"]
    where = detail_turn("ask_opening_hours", [], "when are they open", ids, "en", sessions,
                        focused=phone.slots["focused_service"])
    assert [s["id"] for s in services_of(where)["services"]] == [second["id"]]
    assert listed.slots["focused_service"] is None, "a new list forgets the old focus"


def test_reply_in_another_language_says_what_is_still_in_english(sessions):
    turn = search_turn("need_carers", [], SearchFilters(), "ro", sessions)
    message = turn.messages[0]
    assert message["custom"]["language"] == "ro"
    assert "engleză" in message["text"].splitlines()[-1]
    english = search_turn("need_carers", [], SearchFilters(), "en", sessions).messages[0]
    assert "in English" not in english["text"]


def test_a_services_alert_is_in_the_text_not_only_in_the_contract(sessions):
    """The directory's alert (the planned café van "not running yet") is what a resident
    must read before setting off: it was only in the JSON ``note``."""
    turn = search_turn("need_conversation_cafe", [], SearchFilters(), "ro", sessions)
    message = next(m for m in turn.messages if m.get("custom", {}).get("type") == "services")
    noted = [s for s in message["custom"]["services"] if s["note"]]
    assert noted, "the bundled directory has a café with an alert"
    for service in noted:
        assert render("service.note", "ro", value=service["note"]) in message["text"]


def test_an_answer_about_one_service_repeats_its_alert(sessions):
    """"Where is the third one?" of the planned café van: the address, and that it is not
    running yet, before anyone sets off."""
    listed = search_turn("need_conversation_cafe", [], SearchFilters(), "en", sessions)
    services = services_of(listed)["services"]
    position = next(i for i, s in enumerate(services, start=1) if s["note"])
    ordinal = [{"entity": "ordinal", "value": str(position)}]
    for intent in ("ask_address", "ask_opening_hours", "ask_phone"):
        turn = detail_turn(intent, ordinal, "", listed.slots["listed_services"], "en",
                           sessions)
        note = render("service.note", "en", value=services[position - 1]["note"])
        assert note in turn.messages[0]["text"], intent
