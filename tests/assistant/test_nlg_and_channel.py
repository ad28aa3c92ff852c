"""Fixed replies (bot.nlg), and the REST channel's contract and guard rails."""
import asyncio

from bot.channels.rest import (
    MAX_MESSAGE_CHARS,
    ContractOutputChannel,
    ContractRestInput,
    request_problem,
    text_for_pipeline,
)
from bot.council import council_contact
from bot.i18n.catalog import Catalog, Entry, load_catalog, render
from bot.nlg import crisis_reply, domain_responses, render_response
from bot.paths import REPO_ROOT

EN = {"language": "en"}


def test_every_domain_response_renders_without_leftover_fields():
    responses = domain_responses()
    for name in responses:
        text = render_response(responses, name, EN)["text"]
        assert text and "{" not in text, name


def test_council_route_is_filled_and_marked_sample_while_unverified():
    text = render_response(domain_responses(), "utter_human_contact", EN)["text"]
    council = council_contact()
    assert council.phone in text and council.hours in text and council.web in text
    assert f"{council.phone} (sample number; {council.hours})" in text
    assert ") (" not in text


def test_crisis_reply_carries_type_language_and_numbers():
    reply = crisis_reply("en")
    assert reply["custom"] == {"type": "crisis", "language": "en", "dir": "ltr"}
    for number in ("999", "NHS 111", "option 2", "116 123"):
        assert number in reply["text"]


def test_a_greeting_in_no_known_language_offers_every_language_by_its_own_name():
    responses = domain_responses()
    unsure = render_response(responses, "utter_greet", {})  # "salam": no language detected
    titles = [b["title"] for b in unsure["buttons"]]
    assert "العربية" in titles and "اردو" in titles and "Soomaali" in titles
    assert all(b["payload"].startswith("/choose_language") for b in unsure["buttons"])
    # a greeting in a language we could tell gets no menu
    for slots in ({"detected_language": "ar"}, {"language": "en"}):
        assert "buttons" not in render_response(responses, "utter_greet", slots)


def test_unknown_response_is_none():
    assert render_response(domain_responses(), "utter_does_not_exist", EN) is None


def test_output_channel_keeps_text_and_custom_in_one_message():
    channel = ContractOutputChannel()
    message = {"text": "Here are 2 services\n\n1. A", "custom": {"type": "services"},
               "buttons": [{"title": "Open now", "payload": "/refine_search"}]}
    asyncio.run(channel.send_response("r1", dict(message)))
    assert channel.messages == [{"recipient_id": "r1", **message}]


def test_output_channel_drops_empty_messages():
    channel = ContractOutputChannel()
    asyncio.run(channel.send_response("r1", {"text": None, "custom": None}))
    assert channel.messages == []


def test_request_validation():
    assert request_problem({"sender": "a", "message": "hi"}) is None
    assert request_problem({"sender": "a-1", "message": "hi", "metadata": {"language": "ro"}}) \
        is None
    assert "message" in request_problem({"sender": "a"})
    assert "sender" in request_problem({"message": "hi"})
    assert "sender" in request_problem({"sender": 5, "message": "hi"})
    assert "sender" in request_problem({"sender": "x" * 500, "message": "hi"})
    assert "sender" in request_problem({"sender": "a b<script>", "message": "hi"})
    assert "metadata" in request_problem({"sender": "a", "message": "hi", "metadata": "ro"})
    assert "JSON object" in request_problem(["hi"])


def handle(message, on_new_message):
    return asyncio.run(ContractRestInput().handle({"sender": "r1", "message": message},
                                                  on_new_message))


async def never_called(message):
    raise AssertionError("an over-long message must not reach the pipeline")


def test_over_long_message_gets_a_polite_reply_without_the_pipeline():
    replies = handle("carers " * 1000, never_called)
    assert len(replies) == 1 and str(MAX_MESSAGE_CHARS) in replies[0]["text"]


def test_over_long_message_that_signals_danger_gets_the_crisis_reply_first():
    replies = handle("blah " * 600 + "I want to kill myself", never_called)
    assert replies[0]["custom"]["type"] == "crisis" and "999" in replies[0]["text"]
    assert str(MAX_MESSAGE_CHARS) in replies[1]["text"]


def test_a_failed_turn_still_answers_with_the_council_route():
    async def broken(message):
        raise RuntimeError("tracker store down")

    replies = handle("I need a carer", broken)
    assert "went wrong" in replies[0]["text"] and council_contact().phone in replies[0]["text"]
    danger = handle("my dad is not breathing", broken)
    assert danger[0]["custom"]["type"] == "crisis"


class StoreWith:
    """An agent whose tracker store holds one conversation with these slots (or fails)."""

    def __init__(self, slots=None, broken=False):
        from types import SimpleNamespace

        async def retrieve(sender):
            if broken:
                raise ConnectionError("store down")
            return SimpleNamespace(get_slot=(slots or {}).get) if slots is not None else None

        self.tracker_store = SimpleNamespace(retrieve=retrieve)


def test_the_channels_own_replies_come_in_the_conversations_language():
    """A Tamil conversation is told in Tamil that a message was too long or that something
    went wrong, whatever the message itself was (emoji, English words)."""
    def answer(message, agent, on_new_message=never_called):
        return asyncio.run(ContractRestInput().handle(
            {"sender": "r1", "message": message}, on_new_message, None, agent))

    tamil = StoreWith({"language": None, "detected_language": "ta"})
    too_long = answer("😀" * (MAX_MESSAGE_CHARS + 1), tamil)
    assert too_long[0]["text"] == render("error.too_long", "ta", length=MAX_MESSAGE_CHARS + 1,
                                         limit=MAX_MESSAGE_CHARS)
    assert too_long[0]["custom"]["language"] == "ta"

    async def broken(message):
        raise RuntimeError("tracker store down")

    failed = answer("ok", StoreWith({"language": "ur"}), broken)
    assert failed[0]["custom"]["language"] == "ur" and failed[0]["custom"]["dir"] == "rtl"
    for agent in (StoreWith(None), StoreWith(broken=True), None):  # new or unreadable: English
        assert "custom" not in answer("😀" * (MAX_MESSAGE_CHARS + 1), agent)[0]


def test_typed_payload_that_signals_danger_goes_through_nlu():
    assert text_for_pipeline('/greet{"x": 1} I want to kill myself').startswith("greet")
    assert text_for_pipeline('/need_carers') == "/need_carers"
    assert text_for_pipeline("hello") == "hello"


def test_rasa_nlg_uses_the_responses_rasa_passes_in():
    """Rasa builds the NLG before a model (and its domain) is loaded."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.nlg import CatalogNLG

    domain = Domain.load(str(REPO_ROOT / "domain.yml"))
    nlg = CatalogNLG(endpoint_config=None, domain=None)
    tracker = DialogueStateTracker("resident", domain.slots)
    reply = asyncio.run(nlg.generate("utter_crisis", tracker, "rest",
                                     domain_responses=domain.responses))
    assert "116 123" in reply["text"] and reply["custom"]["type"] == "crisis"


def test_a_language_button_gets_the_confirmation_not_the_menu_again():
    """The widget's language picker sends /choose_language{"reply_language": "ro"}: Rasa's
    payload parser marks that entity as its own, and the reply confirms the choice."""
    from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlg import CatalogNLG

    domain = Domain.load(str(REPO_ROOT / "domain.yml"))
    parsed = RegexMessageHandler().process(
        [Message(data={"text": '/choose_language{"reply_language": "ro"}'})], domain)[0]
    entities = parsed.get("entities")
    assert entities and entities[0]["extractor"] == "RegexMessageHandler"
    tracker = DialogueStateTracker.from_events("resident", [
        UserUttered(parsed.get("text"), parsed.get("intent"), entities),
        SlotSet("language", "ro")], slots=domain.slots)
    nlg = CatalogNLG(endpoint_config=None, domain=None)
    reply = asyncio.run(nlg.generate("utter_language_menu", tracker, "rest",
                                     domain_responses=domain.responses))
    assert reply["text"] == render("language.changed", "ro", language="Română")
    detected = [{**entities[0], "extractor": "LanguageDetector"}]
    tracker.update(UserUttered("salut, am nevoie de ajutor", parsed.get("intent"), detected))
    reply = asyncio.run(nlg.generate("utter_language_menu", tracker, "rest",
                                     domain_responses=domain.responses))
    assert reply["text"] != render("language.changed", "ro", language="Română")


def test_fixed_replies_come_in_the_conversation_language():
    greet = render_response(domain_responses(), "utter_greet", {"language": "ro"})
    assert greet["text"] == load_catalog("ro").entries["response.utter_greet"].text
    urdu = render_response(domain_responses(), "utter_human_contact", {"language": "ur"})
    assert council_contact().phone in urdu["text"] and "{" not in urdu["text"]


def test_crisis_reply_is_never_unreviewed_text(monkeypatch):
    """Until a fluent speaker reviews a language's crisis text, the reviewed English is sent."""
    assert not load_catalog("ro").entries["response.utter_crisis"].reviewed
    reply = render_response(domain_responses(), "utter_crisis", {"language": "ro"})
    assert reply["text"] == crisis_reply("en")["text"]
    assert reply["custom"] == {"type": "crisis", "language": "en", "dir": "ltr"}

    reviewed = Catalog("ar", "العربية", "rtl", {"response.utter_crisis": Entry(
        "اتصل بالرقم 999 الآن. NHS 111 الخيار 2. Samaritans 116 123.", True)})
    monkeypatch.setattr("bot.nlg.load_catalog", lambda lang: reviewed)
    reply = render_response(domain_responses(), "utter_crisis", {"language": "ar"})
    assert reply["text"].startswith("اتصل") and reply["custom"]["dir"] == "rtl"


def test_a_machine_translated_languages_crisis_reply_is_english_then_its_own(monkeypatch):
    """A language beyond the nine with a reviewed crisis text: the English first, then its
    own (it was its own text twice, and no English)."""
    from bot.nlg import machine_translated_reply

    own = "Si vous êtes en danger, appelez le 999. NHS 111, option 2. Samaritans 116 123."
    french = Catalog("fr", "Français", "ltr", {"response.utter_crisis": Entry(own, True)})
    monkeypatch.setattr("bot.nlg.load_catalog", lambda lang: french if lang == "fr" else None)
    reply = machine_translated_reply(
        render_response(domain_responses(), "utter_crisis", {"language": "fr"}), "fr")
    english = crisis_reply("en")["text"]
    assert reply["text"] == f"{english}\n\n{own}"
    assert reply["custom"]["type"] == "crisis"


def test_a_broken_translation_falls_back_to_english(monkeypatch):
    broken = Catalog("ro", "Română", "ltr", {"response.utter_greet": Entry("Bună {", True)})
    monkeypatch.setattr("bot.nlg.load_catalog", lambda lang: broken)
    reply = render_response(domain_responses(), "utter_greet", {"language": "ro"})
    assert reply["text"].startswith("Hello")


def test_language_without_a_catalog_gets_english_and_says_so():
    reply = render_response(domain_responses(), "utter_crisis", {"language": "xx"})
    assert reply["custom"]["language"] == "en" and reply["text"] == crisis_reply("en")["text"]


def test_a_button_payload_carries_the_clients_language():
    metadata = {"language": "ar"}
    assert text_for_pipeline('/human_handoff{"request_kind": "callback"}', metadata) == \
        '/human_handoff{"request_kind": "callback", "reply_language": "ar"}'
    assert text_for_pipeline("/greet", metadata) == '/greet{"reply_language": "ar"}'
    assert text_for_pipeline("/greet", {"language": "xx"}) == "/greet"
    assert text_for_pipeline('/choose_language{"reply_language": "ro"}', metadata) == \
        '/choose_language{"reply_language": "ro"}'  # the button's own choice wins
    assert text_for_pipeline("hello /greet", metadata) == "hello /greet"
    assert text_for_pipeline("/greet{broken", metadata) == "/greet{broken"
