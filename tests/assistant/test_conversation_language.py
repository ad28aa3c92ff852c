"""The conversation's language passed to the NLU pipeline (bot.conversation_language): short
messages keep it, and detection does not undo an explicit choice (DESIGN.md's rule)."""
from __future__ import annotations

import asyncio

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Restarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from bot.conversation_language import (
    CONVERSATION_KEY,
    _with_conversation_language,
    conversation_language,
)
from bot.nlu.components import (
    Acknowledgement,
    LanguageDetector,
    LanguageRequest,
    OneServiceQuestion,
    requested_language,
)
from bot.paths import REPO_ROOT


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(REPO_ROOT / "domain.yml"))


def languages_found(text, conversation=None, metadata=None):
    """entity -> value of the language entities LanguageDetector puts on ``text``."""
    data = {"text": text, "metadata": {**(metadata or {})}}
    if conversation is not None:
        data["metadata"][CONVERSATION_KEY] = conversation
    [message] = LanguageDetector({}).process([Message(data=data)])
    return {e["entity"]: e["value"] for e in message.get("entities") or []
            if e["entity"] in ("message_language", "reply_language")}


def test_a_first_message_sets_the_detected_language_a_later_short_one_does_not():
    assert languages_found("مرحبا") == {"message_language": "ar"}
    assert languages_found("مرحبا", {}) == {"message_language": "ar"}
    established = {"language": None, "detected_language": "ar", "chosen": False}
    assert languages_found("hello", established) == {}
    assert languages_found("olá", {"detected_language": "ta"}) == {}


def test_three_words_still_switch_unless_the_language_was_chosen():
    detected = {"language": None, "detected_language": "ar", "chosen": False}
    assert languages_found("I need an interpreter for my mum", detected) == \
        {"reply_language": "en"}
    chosen = {"language": "ur", "detected_language": None, "chosen": True}
    assert languages_found("I need an interpreter for my mum", chosen) == {}
    # another explicit choice (the widget's selector) still wins
    assert languages_found("I need an interpreter for my mum", chosen,
                           {"language": "ro"}) == {"reply_language": "ro"}


def tracker_with(domain, *events):
    return DialogueStateTracker.from_events("resident", list(events), slots=domain.slots)


def test_what_the_conversation_has_comes_from_its_slots_and_latest_choice(domain):
    empty = conversation_language(tracker_with(domain))
    assert empty == {"language": None, "detected_language": None, "chosen": False,
                     "searching": False, "category": None, "hours_of_one": False, "in_form": False}
    typed = tracker_with(domain, UserUttered("can we speak Urdu?", {"name": "choose_language"}, [
        {"entity": "reply_language", "value": "ur", "extractor": "LanguageRequest"}]),
        SlotSet("language", "ur"))
    assert conversation_language(typed) == {"language": "ur", "detected_language": None,
                                            "chosen": True, "searching": False,
                                            "category": None, "hours_of_one": False,
                                            "in_form": False}
    button = tracker_with(domain, UserUttered(
        '/choose_language{"reply_language": "so"}', {"name": "choose_language"},
        [{"entity": "reply_language", "value": "so", "extractor": "RegexMessageHandler"}]),
        SlotSet("language", "so"))
    assert conversation_language(button)["chosen"] is True
    widget = tracker_with(domain, UserUttered(
        "salut", {"name": "greet"},
        [{"entity": "reply_language", "value": "ro", "extractor": "LanguageDetector"}],
        metadata={"language": "ro"}), SlotSet("language", "ro"))
    assert conversation_language(widget)["chosen"] is True
    switched = tracker_with(domain, UserUttered(
        "I need an interpreter for my mum", {"name": "need_interpreting"},
        [{"entity": "reply_language", "value": "en", "extractor": "LanguageDetector"}]),
        SlotSet("language", "en"))
    assert conversation_language(switched)["chosen"] is False
    restarted = tracker_with(domain, *typed.events, Restarted())
    assert conversation_language(restarted) == empty, "a restart forgets the choice"


def test_parse_message_sees_the_conversation_and_leaves_no_trace(domain):
    seen = []

    async def rasa_parse(processor, message, tracker=None, only_output_properties=True):
        seen.append(dict(message.metadata or {}))
        return {"text": message.text, "metadata": dict(message.metadata or {})}

    class UserMessage:
        text, metadata = "help", {"language": "ro", CONVERSATION_KEY: {"chosen": True}}

    parse = _with_conversation_language(rasa_parse)
    tracker = tracker_with(domain, SlotSet("detected_language", "ar"))
    message = UserMessage()
    parsed = asyncio.run(parse(None, message, tracker))
    assert seen[-1][CONVERSATION_KEY] == {"language": None, "detected_language": "ar",
                                          "chosen": False, "searching": False,
                                          "category": None, "hours_of_one": False,
                                          "in_form": False}, \
        "a client's own key is replaced"
    assert seen[-1]["language"] == "ro"
    assert message.metadata == {"language": "ro", CONVERSATION_KEY: {"chosen": True}}
    assert CONVERSATION_KEY not in parsed["metadata"]
    asyncio.run(parse(None, message, None))  # no tracker: no conversation, no client's key
    assert CONVERSATION_KEY not in seen[-1]


def test_asking_for_the_language_in_use_while_services_are_listed_narrows_them():
    """"care vorbește română?" in a Romanian conversation with services listed means services
    whose staff speak Romanian; with nothing listed, or another language, it is a choice."""
    def parsed(conversation):
        message = Message(data={
            "text": "care vorbește română", "metadata": {CONVERSATION_KEY: conversation},
            "intent": {"name": "choose_language", "confidence": 0.88},
            "intent_ranking": [{"name": "choose_language", "confidence": 0.88},
                               {"name": "refine_search", "confidence": 0.09}],
            "entities": [{"entity": "spoken_language", "value": "ro"}]})
        return LanguageRequest({}).process([message])[0]

    listed = parsed({"language": "ro", "searching": True})
    assert listed.get("intent") == {"name": "refine_search", "confidence": 0.88}
    assert [r["name"] for r in listed.get("intent_ranking")] == \
        ["refine_search", "choose_language"]
    assert listed.get("entities") == [{"entity": "spoken_language", "value": "ro"}]
    for conversation in ({"language": "ro", "searching": False},
                         {"language": "pl", "searching": True}, {}):
        chose = parsed(conversation)
        assert chose.get("intent")["name"] == "choose_language"
        assert {"entity": "reply_language", "value": "ro"}.items() <= \
            chose.get("entities")[-1].items()


@pytest.mark.parametrize("text, predicted", [
    ("ok", "goodbye"), ("tak", "ask_opening_hours"), ("dobrze", "greet"), ("da", "thank"),
    ("haa", "nlu_fallback"), ("OK!", "goodbye"),
])
def test_a_bare_ok_outside_a_form_is_an_acknowledgement(text, predicted):
    """What the model said for these after a list; the reply should be "you're welcome,
    anything else?", not "Goodbye" or every service's opening hours."""
    def parsed(conversation, entities=()):
        data = {"text": text, "intent": {"name": predicted, "confidence": 0.9},
                "intent_ranking": [{"name": predicted, "confidence": 0.9}],
                "entities": list(entities), "metadata": {}}
        if conversation is not None:
            data["metadata"][CONVERSATION_KEY] = conversation
        return Acknowledgement({}).process([Message(data=data)])[0].get("intent")["name"]

    assert parsed({"searching": True, "in_form": False}) == "thank"
    assert parsed({"in_form": True}) == predicted, "in a form, yes answers its question"
    assert parsed(None) == predicted, "without a conversation, nothing to acknowledge"
    assert parsed({}, [{"entity": "ordinal", "value": "1"}]) == predicted


def test_more_than_a_yes_word_is_left_to_the_classifier():
    for text, predicted in (("ok bye", "goodbye"), ("I need a carer", "need_carers"),
                            ("ok", "crisis")):
        message = Message(data={"text": text, "intent": {"name": predicted, "confidence": 1},
                                "metadata": {CONVERSATION_KEY: {}}})
        assert Acknowledgement({}).process([message])[0].get("intent")["name"] == predicted


def test_is_the_third_one_open_now_asks_about_that_service_when_services_are_listed():
    """The classifier read it as "open now" narrowing: the list was filtered instead of the
    third service's hours being given."""
    def parsed(conversation, entities):
        data = {"text": "is the third one open now", "entities": entities, "metadata": {},
                "intent": {"name": "refine_search", "confidence": 0.7},
                "intent_ranking": [{"name": "refine_search", "confidence": 0.7},
                                   {"name": "ask_opening_hours", "confidence": 0.2}]}
        if conversation is not None:
            data["metadata"][CONVERSATION_KEY] = conversation
        return OneServiceQuestion({}).process([Message(data=data)])[0]

    third_open = [{"entity": "ordinal", "value": "3"}, {"entity": "open_now", "value": "true"},
                  {"entity": "reply_language", "value": "en"}]
    asked = parsed({"searching": True}, third_open)
    assert asked.get("intent") == {"name": "ask_opening_hours", "confidence": 0.7}
    assert [r["name"] for r in asked.get("intent_ranking")] == \
        ["ask_opening_hours", "refine_search"]
    assert parsed({"searching": False}, third_open).get("intent")["name"] == "refine_search"
    assert parsed(None, third_open).get("intent")["name"] == "refine_search"
    # "which are open now" (no number) and "the third one in Pinner, open now" narrow
    assert parsed({"searching": True}, third_open[1:]).get("intent")["name"] == "refine_search"
    assert parsed({"searching": True}, [*third_open, {"entity": "place", "value": "Pinner"}]
                  ).get("intent")["name"] == "refine_search"


@pytest.mark.parametrize("text, code, narrows", [
    ("Polish", "pl", True), ("polish?", "pl", True), ("poloneză", "pl", True),
    ("Romanian", "ro", True), ("urdu", "ur", True), ("Tamil", "ta", True),
    ("polski", "pl", False), ("po polsku", "pl", False), ("Română", "ro", False),
    ("romana", "ro", False), ("English", "en", False), ("اردو", "ur", False),
    ("can we speak Polish", "pl", False), ("Polish please", "pl", False),
])
def test_a_bare_language_name_with_services_listed_asks_who_speaks_it(text, code, narrows):
    """After "I need an interpreter", a bare "Polish" switched the replies to Polish: it
    says which interpreter. The language's own name ("polski") still switches."""
    from bot.nlu.lexicon import find_entities

    found = [e.as_rasa() for e in find_entities(text) if e.entity == "spoken_language"]
    message = Message(data={
        "text": text, "entities": found,
        "intent": {"name": "choose_language", "confidence": 0.8},
        "intent_ranking": [{"name": "choose_language", "confidence": 0.8}],
        "metadata": {CONVERSATION_KEY: {"language": "so", "searching": True}}})
    parsed = LanguageRequest({}).process([message])[0]
    assert (parsed.get("intent")["name"] == "refine_search") is narrows
    if narrows:
        assert {e["entity"] for e in parsed.get("entities")} == {"spoken_language"}
        outside = Message(data={
            "text": text, "entities": found,
            "intent": {"name": "choose_language", "confidence": 0.8},
            "metadata": {CONVERSATION_KEY: {"language": "so", "searching": False}}})
        assert LanguageRequest({}).process([outside])[0].get("entities")[-1]["value"] == code


@pytest.mark.parametrize("text, chosen", [
    # the only language named is what someone does not speak: nothing is asked for
    ("امي لا تتكلم الانجليزية", None), ("moja mama nie mówi po angielsku", None),
    ("meri ammi ko angrezi nahi aati", None), ("mama mea nu vorbește engleză", None),
    ("a minha mãe não fala inglês", None), ("hooyaday Ingiriis ma taqaan", None),
    ("அம்மாவுக்கு ஆங்கிலம் பேசத் தெரியாது", None), ("મમ્મીને અંગ્રેજી નથી આવડતું", None),
    # English negated, the other language asked for, with or without a comma between
    ("ma bfham engleezi, e7ki 3arabi", "ar"), ("مجھے انگریزی نہیں آتی اردو میں لکھیں", "ur"),
    ("write in Polish not English", "pl"), ("not English, Polish please", "pl"),
    ("nu inteleg engleza scrie in romana", "ro"),
    ("بیٹی کے لیے انگریزی میں کر دیں، وہ اردو نہیں پڑھ سکتی", "en"),
    # a person's nationality is who they are, not the language asked for
    ("my mum is Romanian", None), ("he's Polish", None), ("a minha mãe é polaca", None),
    ("he is Polish and doesn't speak English", None), ("hooyaday waa Soomaali", None),
    ("is Polish ok?", "pl"), ("I'm Romanian", "ro"), ("my parents are Somali, I'm Somali", "so"),
    # one's own skill in a language is not asking for it (probe: switched to Portuguese)
    ("can you speak english please, my portuguese is not very good", "en"),
    ("my polish is bad, english please", "en"), ("meri angrezi kamzor hai, urdu mein likhein", "ur"),
    # no negation: asked for, whatever else the message says
    ("can we speak Polish?", "pl"), ("ممكن نحكي انجليزي؟", "en"),
    ("Soomaali ma ku hadli kartaa?", "so"), ("Posso falar português no chat?", "pt"),
])
def test_a_language_the_message_negates_is_not_the_one_asked_for(text, chosen):
    """"امي لا تتكلم الانجليزية" (my mum doesn't speak English) switched an Arabic speaker's
    replies to English: English is what she does not speak. "not" goes with the name after
    it in English, Arabic, Polish, Portuguese and Romanian, with the name before it in Urdu,
    Gujarati, Tamil and Somali ("Soomaali ma ...?" asks; "Ingiriis ma taqaan" negates)."""
    from bot.nlu.lexicon import find_entities

    entities = [e.as_rasa() for e in find_entities(text)]
    assert requested_language(entities, text) == chosen


def language_request(text, confidence, also=()):
    """``text`` as the classifier read it (choose_language at ``confidence``, then ``also``),
    through LanguageRequest."""
    from bot.nlu.lexicon import find_entities

    ranking = [{"name": "choose_language", "confidence": confidence}, *also]
    message = Message(data={
        "text": text, "entities": [e.as_rasa() for e in find_entities(text)],
        "intent": ranking[0], "intent_ranking": ranking})
    return LanguageRequest({}).process([message])[0]


def replies_chosen(parsed):
    return [e for e in parsed.get("entities") if e["entity"] == "reply_language"]


@pytest.mark.parametrize("text", ["امي لا تتكلم الانجليزية", "meri ammi ko angrezi nahi aati",
                                  "moja mama nie mówi po angielsku", "my mum is Romanian",
                                  "he is Polish and doesn't speak English"])
def test_a_choice_of_only_languages_not_asked_for_is_read_as_needing_an_interpreter(text):
    """The classifier took "my mum doesn't speak English" for a choice of English (0.83-1.0):
    with every language named negated (or a nationality: "he is Polish and doesn't speak
    English"), it says who needs an interpreter; the reply stays in
    the message's language (no reply_language entity is added)."""
    parsed = language_request(text, 0.83, [{"name": "need_interpreting", "confidence": 0.1}])
    assert parsed.get("intent") == {"name": "need_interpreting", "confidence": 0.83}
    assert [r["name"] for r in parsed.get("intent_ranking")] == \
        ["need_interpreting", "choose_language"]
    assert not replies_chosen(parsed)


@pytest.mark.parametrize("text, practising", [
    ("I want to practise my English", True), ("chcę poćwiczyć angielski", True),
    ("I want to improve my English", True),
    ("بدي مكان اتمرن فيه عالانجليزي", True), ("angrezi seekhna chahti hoon", True),
    ("can we speak English?", False), ("switch to English please", False),
    ("vreau să învăț română", False),  # not English: a choice as before
])
def test_practising_english_is_a_conversation_cafe_not_a_choice_of_english(text, practising):
    """The classifier took "chcę poćwiczyć angielski" (I want to practise English) for a
    choice of English (0.92), and the Polish speaker was answered in English from then on."""
    parsed = language_request(text, 0.9)
    assert (parsed.get("intent")["name"] == "need_conversation_cafe") is practising
    assert bool(replies_chosen(parsed)) is not practising


@pytest.mark.parametrize("text, confidence, read_as", [
    # "mój mąż nie mówi po angielsku" scored below 0.5 for choose_language and got the
    # language menu; the need (an interpreter) was lost
    ("mój mąż nie mówi po angielsku", 0.31, "need_interpreting"),
    # so did "I must learn English and practise by talking with people"
    ("مجھے انگلش سیکھنی ہے اور لوگوں سے بات کر کے پریکٹس کرنی ہے", 0.4, "need_conversation_cafe"),
])
def test_a_language_not_asked_for_is_read_so_however_unsure_the_classifier(text, confidence,
                                                                           read_as):
    assert language_request(text, confidence).get("intent")["name"] == read_as


def test_a_language_we_do_not_answer_in_asked_for_still_gets_the_menu():
    """Only languages the message negates (or someone's nationality) make it an
    interpreting need: "can we speak Kurdish?" names one we do not answer in, and gets the
    menu as before."""
    parsed = language_request("can we speak Kurdish?", 0.9)
    assert parsed.get("intent")["name"] == "choose_language"
    assert not replies_chosen(parsed)
