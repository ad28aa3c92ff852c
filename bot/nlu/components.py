"""Rasa graph components: the crisis guard and the lexicon entity extractor.

Pipeline order (config.yml): CrisisGuard runs first, on the raw text, before any tokenizer or
classifier; it marks a message that signals immediate danger. The classifiers then run as
usual, and CrisisPriority, last in the pipeline, makes sure nothing they did can demote a
marked message: its intent is ``crisis`` with confidence 1.0, so the crisis rule answers first.
"""
from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import conversation_language
from bot.channels import payloads
from bot.conversation_language import (
    LANGUAGE_ENTITIES,
    MESSAGE_LANGUAGE_ENTITY,
    REPLY_LANGUAGE_ENTITY,
    asked_hours_of_one,
    chosen_explicitly,
    established_language,
    in_conversation,
    in_form,
    search_category,
    searching,
)
from bot.i18n.detect import (
    LETTER,
    detect_language,
    explicit_language,
    is_confident,
    language_change,
)
from bot.i18n.languages import configured_languages
from bot.nlu.answers import is_plain_answer, is_plain_yes
from bot.nlu.lexicon import (
    NARROWING_ENTITIES,
    WHEN_ENTITIES,
    asked_aspects,
    find_entities,
    languages_not_asked_for,
    mentions_learning,
    names_its_own_language,
    only_fillers_beside,
    without_spans,
)
from bot.safety.crisis import detect_crisis

# every Rasa process that loads the model parses with the conversation's language at hand
conversation_language.install()

CRISIS_INTENT = "crisis"
CRISIS_FLAG = "crisis_match"


FALLBACK_INTENT = "nlu_fallback"


def _mark_crisis(message: Message) -> None:
    intent = {"name": CRISIS_INTENT, "confidence": 1.0}
    message.set(INTENT, intent, add_to_output=True)
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != CRISIS_INTENT]
    message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)


def _unmark_crisis(message: Message) -> None:
    """A bare yes/no/cancel the classifier took for a crisis: not understood instead (in a
    form it is simply the answer; elsewhere the resident is asked what they need)."""
    if (message.get(INTENT) or {}).get("name") != CRISIS_INTENT:
        return
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != CRISIS_INTENT]
    intent = {"name": FALLBACK_INTENT, "confidence": 1.0 - float(
        (message.get(INTENT) or {}).get("confidence", 0.0))}
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)


class _StatelessComponent(GraphComponent):
    """A component with nothing to train and nothing to persist."""

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = config

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> GraphComponent:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CrisisGuard(_StatelessComponent):
    """First in the pipeline: flags messages that match a crisis lexicon."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            match = detect_crisis(message.get(TEXT) or "")
            if match is not None:
                message.set(CRISIS_FLAG, {"language": match.language,
                                          "matched": match.matched_text}, add_to_output=True)
                _mark_crisis(message)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CrisisPriority(_StatelessComponent):
    """Last in the pipeline: crisis wins if the guard flagged the message, or if the
    classifier gives ``crisis`` at least ``classifier_threshold`` anywhere in its ranking
    (a missed alarm costs far more than a false one, and the need is still answered after)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"classifier_threshold": 0.35}

    def _classifier_says_crisis(self, message: Message) -> bool:
        threshold = self._config.get("classifier_threshold", 0.35)
        return any(r.get("name") == CRISIS_INTENT and r.get("confidence", 0) >= threshold
                   for r in message.get(INTENT_RANKING_KEY) or [])

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            # the lexicon guard always counts; the classifier alone does not for a bare
            # yes/no/cancel (bot.nlu.answers)
            if message.get(CRISIS_FLAG):
                _mark_crisis(message)
            elif is_plain_answer(message.get(TEXT) or ""):
                _unmark_crisis(message)
            elif self._classifier_says_crisis(message):
                _mark_crisis(message)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LexiconEntityExtractor(_StatelessComponent, EntityExtractorMixin):
    """Finds places, postcodes, languages spoken, access needs, ordinals, "open now" and days
    of the week ("open on Saturday")."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            found = [entity.as_rasa() for entity in find_entities(message.get(TEXT) or "")]
            if found:
                tagged = self.add_extractor_name(found)
                message.set(ENTITIES, [*(message.get(ENTITIES) or []), *tagged],
                            add_to_output=True)
        return messages


CHOOSE_LANGUAGE_INTENT = "choose_language"


def _language_entity(name: str, value: str) -> dict:
    return {"entity": name, "value": value, "start": 0, "end": 0, "text": ""}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageDetector(_StatelessComponent, EntityExtractorMixin):
    """The reply language by DESIGN.md's rule (bot.i18n.detect): entity ``reply_language``
    (slot ``language``) when the message switches language — an explicit choice in the
    metadata, or a confident detection of three or more words unless the conversation's
    language was chosen explicitly; entity ``message_language`` (slot ``detected_language``)
    for a confident detection in a conversation whose language is not established yet
    (bot.conversation_language: what the conversation has is passed in the metadata). The
    detection is added to the parse data."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            metadata = message.get("metadata")
            detection = detect_language(text)
            if detection is not None and detection.method != "script" \
                    and is_plain_answer(text):
                detection = None  # "no", "da", "tak": too short to say whose language
            if payloads.unoffered(metadata):
                detection = None  # a typed payload's words are Rasa's, not the resident's
            found = []
            if detection is not None:
                message.set("language_detection", {"language": detection.language,
                                                   "confidence": round(detection.confidence, 3),
                                                   "method": detection.method},
                            add_to_output=True)
                if is_confident(text, detection) and established_language(metadata) is None:
                    found.append(_language_entity(MESSAGE_LANGUAGE_ENTITY, detection.language))
            chosen = language_change(text, metadata, detection)
            if chosen and chosen_explicitly(metadata) and explicit_language(metadata) is None:
                chosen = None  # only another explicit choice undoes an explicit choice
            if chosen:
                found.append(_language_entity(REPLY_LANGUAGE_ENTITY, chosen))
            if found:
                message.set(ENTITIES, [*(message.get(ENTITIES) or []),
                                       *self.add_extractor_name(found)], add_to_output=True)
        return messages


def requested_language(entities: list[dict], text: str = "") -> str | None:
    """The language a "can we speak ...?" message asks for, among the languages it names:
    "I don't understand English, write in Romanian" names two, and means Romanian. A
    language ``text`` negates ("امي لا تتكلم الانجليزية", my mum doesn't speak English) is
    not asked for. A resident asking to change language is usually moving away from
    English, so another language wins over English; among several, the last named (the one
    asked for)."""
    return _asked_among(entities, languages_not_asked_for(text, entities) if text else set())


def _asked_among(entities: list[dict], not_asked: set[int]) -> str | None:
    """``requested_language`` with the indexes of the languages not asked for known."""
    named = [e.get("value") for i, e in enumerate(entities)
             if e.get("entity") == "spoken_language" and i not in not_asked
             and e.get("value") in configured_languages()]
    if not named:
        return None
    others = [code for code in named if code != "en"]
    return (others or named)[-1]


NARROWING_INTENT = "refine_search"
INTERPRETING_INTENT = "need_interpreting"
PRACTISING_INTENT = "need_conversation_cafe"


def only_names_a_language_in_other_words(text: str, entities: list[dict], code: str) -> bool:
    """A message that is nothing but a language's name, not in that language's own words:
    "Polish" or "poloneză", not "polski". With services listed it says who should speak it
    (an interpreter, mostly), not that the replies should come in it."""
    named = [e for e in entities if e.get("entity") == "spoken_language"
             and e.get("value") == code and isinstance(e.get("start"), int)
             and isinstance(e.get("end"), int) and e["start"] < e["end"]]
    if len(named) != 1:
        return False
    return not LETTER.search(without_spans(text, named)) \
        and not names_its_own_language(text[named[0]["start"]:named[0]["end"]], code)


def _read_as(message: Message, name: str, confidence: float) -> None:
    """The message's intent replaced by ``name`` (first in the ranking, same confidence)."""
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != name]
    message.set(INTENT, {"name": name, "confidence": confidence}, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [{"name": name, "confidence": confidence}, *ranking],
                add_to_output=True)


ACKNOWLEDGED_AS = "thank"  # "You're welcome. Is there anything else I can help you find?"
NOT_ACKNOWLEDGEMENTS = {ACKNOWLEDGED_AS, CRISIS_INTENT, CHOOSE_LANGUAGE_INTENT}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class Acknowledgement(_StatelessComponent):
    """Outside a form, a message that is only "ok", "yes", "da", "tak", "haa", "ٹھیک ہے"…
    (data/answers.yml) acknowledges what the assistant said. The training data taught the
    classifier that "ok" closes a conversation ("Goodbye", even straight after the crisis
    reply), and other such words landed anywhere ("tak" on opening hours, "dobrze" on a
    greeting); it is read as ``thank``, answered "You're welcome. Is there anything else I
    can help you find?". Only with the conversation at hand (bot.conversation_language):
    inside a form, "yes" answers the form's question."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            metadata = message.get("metadata")
            if not in_conversation(metadata) or in_form(metadata) \
                    or not is_plain_yes(message.get(TEXT) or ""):
                continue
            if (message.get(INTENT) or {}).get("name") in NOT_ACKNOWLEDGEMENTS or any(
                    e.get("entity") not in LANGUAGE_ENTITIES
                    for e in message.get(ENTITIES) or []):
                continue
            _read_as(message, ACKNOWLEDGED_AS, 1.0)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LanguageRequest(_StatelessComponent):
    """After the classifiers: when the resident asks for a language ("can we speak Urdu?",
    "scrie-mi în română"), that choice is explicit and wins over detection: it replaces any
    ``reply_language`` entity with the language asked for. A bare "language" (no language
    named), or a request the classifier is unsure of (below ``min_confidence``: "vorbitori
    de urdu?" may mean staff who speak Urdu), leaves everything as is: the reply is then the
    language menu, in the current language, and the resident picks. Asking for the language
    already in use while services are listed asks for services that speak it: the message
    is read as ``refine_search`` (bot.conversation_language passes what the conversation
    has)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"min_confidence": 0.5}

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get("name") != CHOOSE_LANGUAGE_INTENT:
                continue
            entities = message.get(ENTITIES) or []
            text = message.get(TEXT) or ""
            not_asked = languages_not_asked_for(text, entities)
            chosen = _asked_among(entities, not_asked)
            named = {i for i, e in enumerate(entities) if e.get("entity") == "spoken_language"}
            if any(entities[i].get("value") == "en" for i in named) and mentions_learning(text) \
                    and chosen in (None, "en"):
                # "I want to practise my English", "chcę poćwiczyć angielski": a Conversation
                # Café (the Polish speaker had been answered in English from then on; an
                # unsure "مجھے انگلش سیکھنی ہے ... پریکٹس" had got the menu)
                _read_as(message, PRACTISING_INTENT, intent.get("confidence", 0.0))
                continue
            if named and named <= not_asked:
                # every language named is negated or a nationality: "my mum doesn't speak
                # English", "ma bfham engleezi" say who needs an interpreter, not what to chat
                # in (it had switched an Arabic speaker's replies to English), however sure
                # the classifier is ("mój mąż nie mówi po angielsku" had got the menu)
                _read_as(message, INTERPRETING_INTENT, intent.get("confidence", 0.0))
                continue
            if intent.get("confidence", 0.0) < self._config.get("min_confidence", 0.5):
                continue  # unsure: the reply is the menu, and the resident picks
            metadata = message.get("metadata")
            if chosen and searching(metadata) and (
                    chosen == established_language(metadata)
                    or only_names_a_language_in_other_words(text, entities, chosen)):
                # "care vorbește română?" in Romanian, services listed: who speaks it; so is
                # a bare "Polish" after interpreters are listed ("polski" still switches)
                _read_as(message, NARROWING_INTENT, intent.get("confidence", 0.0))
                continue
            if chosen:
                kept = [e for e in entities if e.get("entity") != REPLY_LANGUAGE_ENTITY]
                entity = {**_language_entity(REPLY_LANGUAGE_ENTITY, chosen),
                          "extractor": type(self).__name__}
                message.set(ENTITIES, [*kept, entity], add_to_output=True)
        return messages


HOURS_INTENT = "ask_opening_hours"
# "about": "tell me about the first one", answered (bot.dialogue) with its phone, hours and
# address, asked as a phone question
ASKED_INTENTS = {"phone": "ask_phone", "address": "ask_address", "about": "ask_phone"}
ACCESS_QUESTION_INTENT = ASKED_INTENTS["address"]
WHETHER_OPEN = {"ordinal", *WHEN_ENTITIES}  # a listed service's number, and when


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class OneServiceQuestion(_StatelessComponent):
    """With services listed, "is the third one open now?" asks about one of them: the
    classifier read it as narrowing by "open now" (``refine_search``) and the resident got
    the list filtered instead of an answer. A narrowing message that names a listed service
    by number and asks only whether it is open (now, or on a day: "is the third one open on
    Saturday?") is read as ``ask_opening_hours`` (its hours,
    with "open now" or "closed now"). So is one that asks for a phone number or an address
    (data/lexicon `asks`) and names a language or a place: "taleefanka kooxda Soomaalida",
    "رقم هاتف المجموعة الصومالية" ask for the Somali group's phone (the classifier had
    narrowed the list to Somali speakers). "does the first one have wheelchair access?" is
    read as an address question, which bot.dialogue answers with whether that one has it
    (it had narrowed the list, and the first one was then another). "tell me about the
    first one" (data/lexicon `asks` "about") gets its phone, hours and address, whatever the
    classifier made of it. Only with the conversation at hand (bot.conversation_language):
    without a search going there is no "third one"."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            metadata = message.get("metadata")
            # the need being searched, said again ("taleefanka kooxda Soomaalida" was read as
            # community groups, listed already), is about the list like narrowing is
            same_need = f"need_{search_category(metadata)}"
            if not searching(metadata) or intent.get("name") == CRISIS_INTENT:
                continue
            kinds = {e.get("entity") for e in message.get(ENTITIES) or []} - LANGUAGE_ENTITIES
            asked = asked_aspects(message.get(TEXT) or "")
            # "پہلی والی کے بارے میں بتائیں", "احكيلي عن الأول" (tell me about the first one):
            # whatever the classifier made of it (another need, out of scope)
            if asked == ["about"] and kinds == {"ordinal"}:
                _read_as(message, ASKED_INTENTS["about"], intent.get("confidence", 0.0))
                continue
            if intent.get("name") not in (NARROWING_INTENT, same_need):
                continue
            # "is the third one open now?", "... open on Saturday?": whether it is open
            if "ordinal" in kinds and kinds - {"ordinal"} and kinds <= WHETHER_OPEN \
                    and intent.get("name") == NARROWING_INTENT:
                _read_as(message, HOURS_INTENT, intent.get("confidence", 0.0))
                continue
            # "does the first one have wheelchair access?": about that one's premises
            # (bot.dialogue answers an address question naming an access need with it)
            if "ordinal" in kinds and kinds - {"ordinal"} == {"access"}:
                _read_as(message, ACCESS_QUESTION_INTENT, intent.get("confidence", 0.0))
                continue
            # "taleefanka kooxda Soomaalida": the Somali group's phone, not Somali speakers
            if len(asked) == 1 and kinds & {"spoken_language", "place"}:
                _read_as(message, ASKED_INTENTS[asked[0]], intent.get("confidence", 0.0))
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class BareNarrowing(_StatelessComponent):
    """With services listed, a message that is only a place, a language spoken, an access
    need, "open now" or a day ("sâmbătă?", "الثلاثاء؟", "Axadda miyaa?", "and in Pinner?")
    narrows the list, whatever the classifier made of so few words: it had answered them
    with the greeting, "goodbye", the language menu ("sâmbătă?" was read as asking for a
    language) or "I can't help with that". A need, a crisis, a language asked for by name
    (LanguageRequest) and messages with more words are left to the classifier. Only with the conversation at hand (bot.conversation_language)."""

    LEFT_ALONE = frozenset({CRISIS_INTENT, NARROWING_INTENT})

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            metadata = message.get("metadata")
            intent = message.get(INTENT) or {}
            name = intent.get("name") or ""
            if not searching(metadata) or in_form(metadata) or name == CRISIS_INTENT:
                continue
            text = message.get(TEXT) or ""
            entities = [e for e in message.get(ENTITIES) or []
                        if e.get("entity") not in LANGUAGE_ENTITIES]
            kinds = {e.get("entity") for e in entities}
            if not entities or not kinds <= set(NARROWING_ENTITIES) \
                    or not only_fillers_beside(text, entities):
                continue
            confidence = max(intent.get("confidence", 0.0), 0.5)
            if kinds <= set(WHEN_ENTITIES) and asked_hours_of_one(metadata):
                # "a w niedzielę?" after "is the second one open on Saturday?": the same of
                # that one, whatever the classifier said (it had narrowed the whole list)
                _read_as(message, HOURS_INTENT, confidence)
                continue
            if name in self.LEFT_ALONE or name.startswith("need_") or (
                    name == CHOOSE_LANGUAGE_INTENT and requested_language(entities, text)):
                continue  # the classifier's, or a language asked for: LanguageRequest's
            _read_as(message, NARROWING_INTENT, confidence)
        return messages
