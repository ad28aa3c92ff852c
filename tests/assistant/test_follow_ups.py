"""Follow-ups after a list, as residents wrote them in a live probe (2026-11-27): a service
named that the list no longer shows, a time that looked like a number, a day after a list of
one, a bare day or number, and a question about hours with nothing listed yet."""
import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.conversation_language import CONVERSATION_KEY
from bot.dialogue import SearchFilters, detail_turn, filters_for_turn, search_turn
from bot.nlu.answers import is_plain_yes
from bot.nlu.components import BareNarrowing
from bot.nlu.lexicon import find_entities

POLISH_CLUB = "Harrow Polish Community Club (sample)"
SOMALI_GROUP = "Harrow Somali Families Group (sample)"


def entities(text):
    return [e.as_rasa() for e in find_entities(text)]


def shown(turn):
    customs = [m["custom"] for m in turn.messages if m.get("custom")]
    assert len(customs) == 1, turn.messages
    return [s["name"] for s in customs[0]["services"]]


def listed_ids(sessions, names):
    turn = search_turn("need_community_groups", [], SearchFilters(), "en", sessions)
    found = {s["name"]: s["id"] for m in turn.messages if m.get("custom")
             for s in m["custom"]["services"]}
    assert set(names) <= set(found), found
    return [found[name] for name in names]


@pytest.mark.parametrize("lang, text", [
    ("en", "phone number of the Somali group"),
    ("ro", "numărul de telefon al grupului somalez"),
])
def test_a_service_named_that_the_list_no_longer_shows_is_the_one_answered(sessions, lang,
                                                                           text):
    """With only the Polish club left after "which are open now?", "phone number of the
    Somali group" gave the Polish club's phone."""
    ids = listed_ids(sessions, [POLISH_CLUB])
    turn = detail_turn("ask_phone", entities(text), text, ids, lang, sessions,
                       category="community_groups")
    assert shown(turn) == [SOMALI_GROUP]
    assert turn.messages[0]["custom"]["category"] == "community_groups"
    assert turn.messages[0]["text"].startswith(SOMALI_GROUP)


def test_a_question_naming_no_service_is_about_the_list(sessions):
    ids = listed_ids(sessions, [POLISH_CLUB])
    for text in ("what's the phone number", "what's their phone number please"):
        assert shown(detail_turn("ask_phone", entities(text), text, ids, "en", sessions)) == \
            [POLISH_CLUB], text


@pytest.mark.parametrize("text", ["abre às 5?", "are they open at 5?", "open until 5?",
                                  "5 بجے کھلتا ہے؟", "otwarte przed 5?", "deschis după 5?",
                                  "czy są otwarte o 5?", "a o 3?", "sunt deschise la ora 3?",
                                  "și la ora 3?"])
def test_a_time_is_not_a_number_in_the_list(text):
    assert [e.value for e in find_entities(text) if e.entity == "ordinal"] == []


@pytest.mark.parametrize("text", ["phone for 2", "the 2", "2", "number 3 please", "nr 2"])
def test_a_bare_number_still_picks_a_listed_service(text):
    assert [e.entity for e in find_entities(text)] == ["ordinal"]


def test_a_time_question_with_five_listed_gets_every_hours(sessions):
    turn = search_turn("need_community_groups", [], SearchFilters(), "en", sessions)
    ids = turn.slots["listed_services"]
    assert len(ids) == 5
    text = "abre às 5?"
    answer = detail_turn("ask_opening_hours", entities(text), text, ids, "pt", sessions)
    assert len(answer.messages[0]["custom"]["services"]) == 5


def test_a_day_after_open_now_replaces_it_and_now_after_a_day_replaces_the_day():
    now = filters_for_turn("refine_search", entities("which are open now?"),
                           SearchFilters(category="community_groups"))
    saturday = filters_for_turn("refine_search", entities("and on Saturday?"), now)
    assert (saturday.open_now, saturday.open_days) == (False, ("SA",))
    again = filters_for_turn("refine_search", entities("and open now?"), saturday)
    assert (again.open_now, again.open_days) == (True, ())
    both = filters_for_turn("refine_search", entities("open now or on Sunday"), now)
    assert (both.open_now, both.open_days) == (True, ("SU",))


def test_a_day_after_a_list_of_one_narrows_the_search_not_that_ones_hours(sessions):
    """"which are open now?" left one; "and on Saturday?" answered only its hours."""
    ids = listed_ids(sessions, [POLISH_CLUB])
    search = SearchFilters(category="community_groups", open_now=True)
    text = "and on Saturday?"
    turn = detail_turn("ask_opening_hours", entities(text), text, ids, "en", sessions,
                       search=search)
    assert len(shown(turn)) > 1 and turn.slots["open_days"] == ["SA"]
    assert turn.slots["open_now"] is False
    # the one just asked about is still answered about
    asked = detail_turn("ask_opening_hours", entities(text), text, ids, "en", sessions,
                        focused=ids[0], search=search)
    assert shown(asked) == [POLISH_CLUB]


@pytest.mark.parametrize("text, predicted", [
    ("sâmbătă?", "choose_language"), ("și sâmbătă?", "choose_language"), ("sâmbăta", "greet"), ("سنیچر کو؟", "out_of_scope"),
    ("Axadda miyaa?", "bot_challenge"), ("Talaadada?", "thank"), ("الثلاثاء؟", "greet"),
    ("terça-feira?", "goodbye"), ("and in Pinner?", "greet"), ("Pinner", "greet"),
])
def test_a_bare_day_or_place_with_services_listed_narrows(text, predicted):
    """What the classifier made of them after a list (the probe's replies: the greeting,
    the language menu, "goodbye", "I can't help with that")."""
    found = [e.as_rasa() for e in find_entities(text)]
    assert found, text

    def read(conversation, intent=predicted):
        data = {"text": text, "entities": found, "metadata": {},
                "intent": {"name": intent, "confidence": 0.4},
                "intent_ranking": [{"name": intent, "confidence": 0.4}]}
        if conversation is not None:
            data["metadata"][CONVERSATION_KEY] = conversation
        return BareNarrowing({}).process([Message(data=data)])[0].get("intent")["name"]

    assert read({"searching": True}) == "refine_search"
    assert read({"searching": True, "in_form": True}) == predicted
    assert read({"searching": False}) == predicted
    assert read(None) == predicted
    assert read({"searching": True}, "crisis") == "crisis"
    assert read({"searching": True}, "need_carers") == "need_carers"


def test_more_than_a_bare_narrowing_is_left_to_the_classifier():
    text = "I went to Pinner on Saturday and it was closed"
    found = [e.as_rasa() for e in find_entities(text)]
    message = Message(data={"text": text, "entities": found,
                            "intent": {"name": "out_of_scope", "confidence": 0.4},
                            "metadata": {CONVERSATION_KEY: {"searching": True}}})
    assert BareNarrowing({}).process([message])[0].get("intent")["name"] == "out_of_scope"


@pytest.mark.parametrize("lang, text, intent", [
    ("pl", "trzecia", "ask_address"), ("ar", "الثالث", "ask_address"),
    ("ta", "மூன்றாவது", "ask_address"), ("so", "kan saddexaad", "ask_opening_hours"),
    ("gu", "ત્રીજું", "ask_opening_hours"),
])
def test_a_bare_number_asks_what_the_last_question_asked(sessions, lang, text, intent):
    """After "phone number of the sixth one" -> "the list has five", a bare "the third"
    got the third one's address or hours."""
    turn = search_turn("need_carers", [], SearchFilters(), "en", sessions)
    ids = turn.slots["listed_services"]
    beyond = detail_turn("ask_phone", entities("phone number of the sixth one"),
                         "phone number of the sixth one", ids, lang, sessions)
    assert beyond.slots == {"asked_aspect": "phone"}
    third = detail_turn(intent, entities(text), text, ids, lang, sessions, asked="phone")
    assert third.messages[0]["custom"]["aspect"] == "phone"
    assert third.slots == {"focused_service": ids[2], "asked_aspect": "phone"}
    # a question that says what it asks is answered as asked
    where = "where is the third one"
    assert detail_turn("ask_address", entities(where), where, ids, "en", sessions,
                       asked="phone").messages[0]["custom"]["aspect"] == "address"


def test_an_hours_question_with_nothing_listed_searches_the_need_it_also_names(sessions):
    """"સમુદાય જૂથ શનિવારે" (community groups on Saturday) was read as an opening-hours
    question, and with nothing listed the reply was "which service do you mean?"."""
    text = "સમુદાય જૂથ શનિવારે"
    ranking = [{"name": "ask_opening_hours", "confidence": 0.45},
               {"name": "need_community_groups", "confidence": 0.3}]
    turn = detail_turn("ask_opening_hours", entities(text), text, [], "gu", sessions,
                       ranking=ranking)
    assert turn.slots["category"] == "community_groups" and turn.slots["open_days"] == ["SA"]
    unsure = [ranking[0], {"name": "need_community_groups", "confidence": 0.1}]
    assert "custom" not in detail_turn("ask_opening_hours", entities(text), text, [], "gu",
                                       sessions, ranking=unsure).messages[0]


def test_arabic_ok_is_an_acknowledgement():
    for text in ("حسنا", "حسناً", "طيب"):
        assert is_plain_yes(text), text


@pytest.mark.parametrize("text", ["is anything open tomorrow?", "e ceva deschis mâine?",
                                  "otwarte jutro?", "aberto amanhã?", "مفتوح بكرة؟",
                                  "நாளைக்கு திறந்திருக்குமா?", "berri ma furan yihiin?"])
def test_tomorrow_is_the_day_after_londons_today(text):
    """"is anything open tomorrow?" gave the whole list again."""
    from datetime import date

    from bot.dialogue import open_days_named

    friday = date(2026, 11, 27)
    assert open_days_named(entities(text), today=friday) == ("SA",)
    assert open_days_named(entities(text), today=date(2026, 11, 29)) == ("MO",)


def test_the_one_that_speaks_a_language_is_among_the_listed_not_a_group_named_for_it(
        sessions):
    """"phone number of the one that speaks Tamil", interpreters listed: the listed ones
    speaking Tamil, not the Tamil Elders' Association the list does not show."""
    turn = search_turn("need_interpreting", [], SearchFilters(), "en", sessions)
    listed = [s for m in turn.messages if m.get("custom") for s in m["custom"]["services"]]
    tamil = [s["id"] for s in listed if "ta" in s["languages"]]
    assert tamil and len(tamil) < len(listed)
    text = "phone number of the one that speaks Tamil"
    answer = detail_turn("ask_phone", entities(text), text, [s["id"] for s in listed], "en",
                         sessions)
    assert [s["id"] for s in answer.messages[0]["custom"]["services"]] == tamil


def test_tomorrow_beside_a_new_need_does_not_narrow_it():
    """"I have a GP appointment tomorrow, can someone come with me?" lost the on-demand
    interpreting service, which does not open on Saturdays."""
    from bot.dialogue import TOMORROW

    text = "I have a GP appointment tomorrow, can someone come with me?"
    found = entities(text)
    assert [e["value"] for e in found if e["entity"] == "open_day"] == [TOMORROW]
    assert filters_for_turn("need_interpreting", found, SearchFilters()).open_days == ()
    # as a follow-up it narrows
    assert filters_for_turn("refine_search", entities("otwarte jutro?"),
                            SearchFilters(category="carers")).open_days != ()


@pytest.mark.parametrize("lang, text", [
    ("en", "what's the council's phone number?"),
    ("ro", "care e numărul de telefon al primăriei?"),
    ("ar", "ما هو رقم هاتف البلدية؟"),
    ("pl", "jaki jest numer telefonu do urzędu?"),
])
def test_the_councils_number_after_a_list_is_the_councils(sessions, lang, text):
    """It gave every listed service's number."""
    from bot.council import council_contact

    ids = search_turn("need_carers", [], SearchFilters(), "en", sessions).slots[
        "listed_services"]
    for listed in (ids, []):
        turn = detail_turn("ask_phone", entities(text), text, listed, lang, sessions)
        assert council_contact().phone in turn.messages[0]["text"]
        assert "custom" not in turn.messages[0]
        assert ("To talk to a person" in turn.messages[0]["text"]) is (lang == "en")


@pytest.mark.parametrize("text, intent", [
    ("taleefanka kooxda soomaalida", "ask_phone"),
    ("رقم هاتف المجموعة الصومالية", "ask_phone"),
    ("தமிழ் முதியோர் சங்கத்தின் தொலைபேசி எண்", "ask_phone"),
    ("cinwaanka kooxda qoysaska Soomaalida", "ask_address"),
])
def test_a_phone_or_address_asked_of_a_group_named_by_its_language_is_a_detail_question(
        sessions, text, intent):
    """The classifier read them as narrowing to Somali (Tamil) speakers."""
    from bot.nlu.components import OneServiceQuestion

    found = entities(text)
    data = {"text": text, "entities": found, "metadata": {CONVERSATION_KEY: {"searching": True}},
            "intent": {"name": "refine_search", "confidence": 0.6}}
    parsed = OneServiceQuestion({}).process([Message(data=data)])[0]
    assert parsed.get("intent")["name"] == intent
    outside = Message(data={**data, "metadata": {}})
    assert OneServiceQuestion({}).process([outside])[0].get("intent")["name"] == \
        "refine_search"
    # and the group is the one answered, listed or not
    wanted = "Harrow Tamil Elders' Association (sample)" if "தமிழ்" in text else SOMALI_GROUP
    ids = listed_ids(sessions, [POLISH_CLUB])
    turn = detail_turn(intent, found, text, ids, "so", sessions)
    assert shown(turn) == [wanted]


def test_narrowing_by_language_without_asking_a_detail_still_narrows():
    from bot.nlu.components import OneServiceQuestion

    for text in ("any that speak Somali?", "kuwa ku hadla Soomaali", "يتكلم الأردية"):
        data = {"text": text, "entities": entities(text),
                "metadata": {CONVERSATION_KEY: {"searching": True}},
                "intent": {"name": "refine_search", "confidence": 0.6}}
        assert OneServiceQuestion({}).process([Message(data=data)])[0].get("intent")[
            "name"] == "refine_search", text


@pytest.mark.parametrize("text", ["we live at number 3 Station Road",
                                  "we live at number 2 Elm Road, which is closest?",
                                  "locuim la numărul 4 strada Mare", "mieszkam pod 5 ulica Polna"])
def test_a_house_number_is_not_a_number_in_the_list(text):
    assert [e.value for e in find_entities(text) if e.entity == "ordinal"] == []


def test_a_number_in_the_list_before_a_street_further_on_still_counts():
    assert [e.value for e in find_entities("the second one on Station Road")
            if e.entity == "ordinal"] == ["2"]


def listed_for(sessions, need):
    turn = search_turn(need, [], SearchFilters(), "en", sessions)
    return [s for m in turn.messages if m.get("custom") for s in m["custom"]["services"]]


@pytest.mark.parametrize("text", ["phone number of the carers assessments",
                                  "phone number of the carers assessment",
                                  "what's the council's carers assessment team's number?"])
def test_a_listed_service_named_loosely_is_the_one_answered(sessions, text):
    """"carers assessments" (no apostrophe) gave an unlisted service's phone, and "the
    council's carers assessment team" the council's contact centre."""
    listed = listed_for(sessions, "need_carers")
    assert "Carers' Assessments" in [s["name"] for s in listed]
    turn = detail_turn("ask_phone", entities(text), text, [s["id"] for s in listed], "en",
                       sessions)
    assert shown(turn) == ["Carers' Assessments"]


def test_a_group_named_beyond_its_language_is_that_group_not_a_listed_speaker(sessions):
    """"phone number of the Tamil Elders" gave the listed Asian Women's Resource Centre
    (which speaks Tamil); the Tamil Elders' Association was not listed."""
    listed = listed_for(sessions, "need_community_groups")
    assert "Harrow Tamil Elders' Association (sample)" not in [s["name"] for s in listed]
    text = "phone number of the Tamil Elders"
    turn = detail_turn("ask_phone", entities(text), text, [s["id"] for s in listed], "en",
                       sessions)
    assert shown(turn) == ["Harrow Tamil Elders' Association (sample)"]


def test_the_one_at_a_place_is_the_listed_one_there(sessions):
    """"the one in Wealdstone" gave the unlisted Conversation Café, Wealdstone."""
    listed = listed_for(sessions, "need_community_groups")
    there = [s["name"] for s in listed if "wealdstone" in s.get("address", "").casefold()]
    assert there
    text = "what's the phone number of the one in Wealdstone?"
    turn = detail_turn("ask_phone", entities(text), text, [s["id"] for s in listed], "en",
                       sessions)
    assert shown(turn) == there


def test_the_need_being_searched_said_again_with_a_phone_word_is_a_detail_question():
    """"taleefanka kooxda soomaalida" was read as community groups (the need listed) with
    Somali, and the list was narrowed to Somali speakers; another need is left alone."""
    from bot.nlu.components import OneServiceQuestion

    text = "taleefanka kooxda soomaalida"

    def read(intent, category):
        data = {"text": text, "entities": entities(text),
                "metadata": {CONVERSATION_KEY: {"searching": True, "category": category}},
                "intent": {"name": intent, "confidence": 0.8}}
        return OneServiceQuestion({}).process([Message(data=data)])[0].get("intent")["name"]

    assert read("need_community_groups", "community_groups") == "ask_phone"
    assert read("need_carers", "community_groups") == "need_carers"
    assert read("refine_search", "community_groups") == "ask_phone"


def mental_health_ids(sessions, *names):
    """The ids of the named services of the mental-health list, in the order named: the
    list's own order follows the clock (what is open now comes first; NHS Talking Therapies
    heads it on a Saturday morning)."""
    turn = search_turn("need_mental_health", [], SearchFilters(), "en", sessions)
    listed = {s["name"]: s["id"] for m in turn.messages if m.get("custom")
              for s in m["custom"]["services"]}
    return [listed[name] for name in names]


@pytest.mark.parametrize("text", ["does the first one have wheelchair access?",
                                  "is the second one wheelchair accessible?",
                                  "is the second one accessible for wheelchairs?",
                                  "al doilea are acces pentru scaun cu rotile?",
                                  "a segunda tem lacete de indução?",
                                  "midka labaad ma leeyahay gelitaan kursiga curyaamiinta?"])
def test_whether_a_listed_one_has_an_access_feature_is_asked_of_that_one(text):
    """"does the first one have wheelchair access?" narrowed the list to services with
    wheelchair access, and the first of those was another service."""
    from bot.nlu.components import OneServiceQuestion

    found = entities(text)
    assert {e["entity"] for e in found} == {"ordinal", "access"}, found
    data = {"text": text, "entities": found, "metadata": {CONVERSATION_KEY: {"searching": True}},
            "intent": {"name": "refine_search", "confidence": 0.7}}
    assert OneServiceQuestion({}).process([Message(data=data)])[0].get("intent")["name"] == \
        "ask_address"
    # also when the classifier re-read the need being searched (Portuguese, probe)
    again = {**data, "intent": {"name": "need_care_assessment", "confidence": 0.6},
             "metadata": {CONVERSATION_KEY: {"searching": True, "category": "care_assessment"}}}
    assert OneServiceQuestion({}).process([Message(data=again)])[0].get("intent")["name"] == \
        "ask_address"
    # a bare access need still narrows the list, and nothing changes without one listed
    for other in ({**data, "text": "wheelchair access?", "entities": entities("wheelchair access?")},
                  {**data, "metadata": {}}):
        assert OneServiceQuestion({}).process([Message(data=other)])[0].get(
            "intent")["name"] == "refine_search"


def test_the_access_answer_says_what_the_directory_records_and_what_it_does_not(sessions):
    # Samaritans (nothing recorded), then two with it
    ids = mental_health_ids(sessions, "Samaritans", "Finding Rhythms: music and rap course",
                            "Healthy Harrow Mental Health and Wellbeing Champions")
    first = "does the first one have wheelchair access?"
    turn = detail_turn("ask_address", entities(first), first, ids, "en", sessions,
                       category="mental_health")
    text = turn.messages[0]["text"]
    assert text.startswith("The directory does not say whether Samaritans has wheelchair access")
    assert "phone 116 123" in text  # to check before going
    assert turn.messages[0]["custom"]["aspect"] == "access"
    assert turn.slots == {"focused_service": ids[0], "asked_aspect": "access:wheelchair"}
    # a bare "and the second?" then asks the same of the second
    bare = "and the second?"
    turn = detail_turn("ask_phone", entities(bare), bare, ids, "en", sessions,
                       asked="access:wheelchair")
    assert turn.messages[0]["text"].startswith(
        "Finding Rhythms: music and rap course has: wheelchair access.\n")
    second = "is the second one wheelchair accessible?"
    turn = detail_turn("ask_address", entities(second), second, ids, "pl", sessions,
                       category="mental_health")
    assert turn.messages[0]["text"].startswith("Finding Rhythms: music and rap course ma: ")
    assert "dostęp dla wózków" in turn.messages[0]["text"]
    # an address asked with an access word is still the address
    address = "what is the address of the first one, is there wheelchair access"
    turn = detail_turn("ask_address", entities(address), address, ids, "en", sessions)
    assert turn.messages[0]["custom"]["aspect"] == "address"


def test_whether_one_listed_service_opens_on_a_day_is_said_in_words(sessions):
    """"is the second one open on Saturday?" got the service's hours alone (English day
    names when they could not be translated): now also whether it opens then."""
    from bot.directory.search import opens_on_days

    ids = listed_ids(sessions, [POLISH_CLUB])
    with sessions() as session:
        opens = opens_on_days(session, ids, ("SA", "MO"))
    assert opens == {ids[0]: {"SA": True, "MO": False}}
    text = "is it open on Saturday and Monday?"
    turn = detail_turn("ask_opening_hours", entities(text), text, ids, "en", sessions)
    line = turn.messages[0]["text"].split("\n")[0]
    said = f") {POLISH_CLUB} opens on Saturdays. {POLISH_CLUB} does not open on Mondays."
    assert said in line
    # its alert was only the sample sentence: said once, in the line after, not as a note
    assert "Please note" not in line
    assert turn.messages[0]["text"].split("\n")[1].startswith("Sample data")
    plain = "when is it open?"
    assert "opens on" not in detail_turn("ask_opening_hours", entities(plain), plain, ids,
                                         "en", sessions).messages[0]["text"]
    polish = "czy jest otwarte w sobotę?"
    assert "otwarte w soboty" in detail_turn("ask_opening_hours", entities(polish), polish,
                                             ids, "pl", sessions).messages[0]["text"]


@pytest.mark.parametrize("text, predicted", [
    ("a w niedzielę?", "refine_search"), ("e ao domingo?", "need_digital_inclusion"),
    ("and sunday?", "greet"), ("open now?", "refine_search"),
])
def test_a_bare_day_after_one_services_hours_asks_the_same_of_it(text, predicted):
    """After "is the second one open on Saturday?", "a w niedzielę?" narrowed the whole
    list to services open on Sundays (in the probe, a Romanian group among computer help)."""
    found = entities(text)
    assert found and {e["entity"] for e in found} <= {"open_day", "open_now"}, found

    def read(conversation):
        message = Message(data={
            "text": text, "entities": found, "metadata": {CONVERSATION_KEY: conversation},
            "intent": {"name": predicted, "confidence": 0.6},
            "intent_ranking": [{"name": predicted, "confidence": 0.6}]})
        return BareNarrowing({}).process([message])[0].get("intent")["name"]

    assert read({"searching": True, "hours_of_one": True}) == "ask_opening_hours"
    # after a whole list (no one service's hours asked), it still narrows the list
    expected = predicted if predicted.startswith("need_") else "refine_search"
    assert read({"searching": True, "hours_of_one": False}) == expected


def test_one_services_hours_are_what_the_slots_say_was_asked():
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.conversation_language import conversation_language
    from bot.paths import REPO_ROOT

    domain = Domain.load(str(REPO_ROOT / "domain.yml"))

    def known(*events):
        tracker = DialogueStateTracker.from_events("t", [*events], slots=domain.slots)
        return conversation_language(tracker)["hours_of_one"]

    assert known(SlotSet("focused_service", "s1"), SlotSet("asked_aspect", "hours"))
    assert not known(SlotSet("focused_service", "s1"), SlotSet("asked_aspect", "phone"))
    assert not known(SlotSet("focused_service", None), SlotSet("asked_aspect", "hours"))


def test_an_interpreter_asked_for_in_a_language_is_one_who_speaks_it(sessions):
    """Asked in Polish, Tamil or Gujarati, every interpreter was listed, a BSL service
    first and the Somali families group among them (second probe)."""
    def names(intent, text, lang):
        turn = search_turn(intent, entities(text), SearchFilters(), lang, sessions)
        return turn, shown(turn)

    turn, polish = names("need_interpreting", "mama nie mówi po angielsku", "pl")
    assert polish and not any("BSL" in name or "Somali" in name for name in polish)
    assert turn.slots["spoken_language"] == "pl"
    # English: all of them, as before; a language or BSL named wins
    assert len(names("need_interpreting", "I need an interpreter", "en")[1]) == 4
    assert names("need_interpreting", "potrzebuję tłumacza somalijskiego", "pl")[0].slots[
        "spoken_language"] == "so"
    turn, sign = names("need_interpreting", "potrzebuję tłumacza BSL", "pl")
    assert turn.slots["spoken_language"] is None and any("BSL" in name for name in sign)


@pytest.mark.parametrize("text, predicted, lang", [
    ("پہلی والی کے بارے میں بتائیں", "need_safeguarding", "ur"),
    ("احكيلي عن الأول", "out_of_scope", "ar"),
    ("opowiedz mi o pierwszej", "out_of_scope", "pl"),
    ("tell me about the first one", "ask_phone", "en"),
])
def test_tell_me_about_a_listed_one_gives_its_phone_hours_and_address(sessions, text,
                                                                      predicted, lang):
    """"پہلی والی کے بارے میں بتائیں" (tell me about the first one) after a list got the
    abuse-reporting services; the Arabic and Polish got "I can't help with that"."""
    from bot.nlu.components import OneServiceQuestion

    found = entities(text)
    assert {e["entity"] for e in found} == {"ordinal"}, found
    data = {"text": text, "entities": found, "metadata": {CONVERSATION_KEY: {"searching": True}},
            "intent": {"name": predicted, "confidence": 0.7}}
    intent = OneServiceQuestion({}).process([Message(data=data)])[0].get("intent")["name"]
    assert intent == "ask_phone"
    ids = listed_ids(sessions, [POLISH_CLUB, SOMALI_GROUP])
    turn = detail_turn(intent, found, text, ids, lang, sessions)
    answer = turn.messages[0]["text"]
    assert shown(turn) == [POLISH_CLUB] and turn.slots["asked_aspect"] == "about"
    assert "020 7946 0420" in answer and "Sat 10:00" in answer and "HA" in answer
    assert turn.messages[0]["custom"]["aspect"] == "about"


def test_gujarati_ordinals_with_a_case_ending_are_numbers_in_the_list():
    """"અને ત્રીજામાં?" (and in the third?) after a list got the welcome greeting."""
    assert [(e["entity"], e["value"]) for e in entities("અને ત્રીજામાં?")] == [("ordinal", "3")]
    assert ("ordinal", "2") in [(e["entity"], e["value"]) for e in entities("બીજામાં વ્હીલચેર છે?")]
