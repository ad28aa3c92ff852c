"""What the conversation's language already is, for the NLU pipeline.

DESIGN.md's reply-language rule depends on the conversation, not only on the message: short
messages keep the current language, and an explicit choice (a language button, the widget's
selector, "can we speak Urdu?") wins over what is detected. Rasa's NLU components see one
message; Rasa's processor parses it with the conversation's tracker at hand. ``install()``
wraps ``MessageProcessor.parse_message`` so that, while a message is parsed, its metadata
carries the conversation's language under ``CONVERSATION_KEY`` (and nothing of it is kept
afterwards). ``bot.nlu.components.LanguageDetector`` reads it:

- a conversation whose language is established (chosen, switched to, or set by its first
  confidently detected message) is not re-detected by a short message ("مرحبا", then "help",
  stays Arabic; before, every confident message reset the detected language);
- once a language was chosen explicitly, detection no longer switches it: only another
  explicit choice does ("can we speak Urdu?", then a sentence in English, stays Urdu);
- asking for the language already in use while services are listed ("care vorbește
  română?" in Romanian) asks for services that speak it (``LanguageRequest``).

Without a tracker (``rasa test``, the held-out evaluation, a bare parse) every message is the
first of its conversation, as before.
"""
from __future__ import annotations

from typing import Any

from bot.i18n.detect import explicit_language

CONVERSATION_KEY = "_conversation_language"
REPLY_LANGUAGE_ENTITY = "reply_language"
MESSAGE_LANGUAGE_ENTITY = "message_language"
# the two entities the language detector puts on a message, with no span in its text
LANGUAGE_ENTITIES = frozenset({REPLY_LANGUAGE_ENTITY, MESSAGE_LANGUAGE_ENTITY})
# who marks a reply_language entity as a choice rather than a detection (bot.nlg)
CHOICE_EXTRACTORS = ("LanguageRequest", "RegexMessageHandler")


def chose_language(entities: list[dict] | None) -> bool:
    """Whether a message's entities choose the reply language ("can we speak Urdu?", a
    language button), rather than carry a detection."""
    return any(e.get("entity") == REPLY_LANGUAGE_ENTITY and e.get("extractor") in CHOICE_EXTRACTORS
               for e in entities or [])


def _chosen_explicitly(event: Any) -> bool:
    """Whether this user message set the conversation's language by an explicit choice."""
    entities = getattr(event, "entities", None) or []
    if not any(e.get("entity") == REPLY_LANGUAGE_ENTITY for e in entities):
        return False
    return chose_language(entities) \
        or explicit_language(getattr(event, "metadata", None)) is not None


def conversation_language(tracker: Any) -> dict[str, Any]:
    """The conversation's ``language`` and ``detected_language`` slots, whether the latest
    message that set the language chose it explicitly, whether a search is going and whether
    a form is asking its questions."""
    from rasa.shared.core.events import Restarted, SessionStarted, UserUttered

    language = tracker.get_slot("language")
    chosen = False
    events = (getattr(tracker, "events", None) or []) if language else []
    for event in reversed(events):
        if isinstance(event, (Restarted, SessionStarted)):
            break
        if isinstance(event, UserUttered) and any(
                e.get("entity") == REPLY_LANGUAGE_ENTITY for e in event.entities or []):
            chosen = _chosen_explicitly(event)
            break
    return {"language": language,
            "detected_language": tracker.get_slot("detected_language"),
            "chosen": chosen, "searching": tracker.get_slot("category") is not None,
            "category": tracker.get_slot("category"),
            # the last answer was about one service's opening hours ("is the second one
            # open on Saturday?"): a bare "and on Sunday?" then asks the same of it
            "hours_of_one": tracker.get_slot("focused_service") is not None
            and tracker.get_slot("asked_aspect") == "hours",
            "in_form": getattr(tracker, "active_loop_name", None) is not None}


def _known(metadata: dict | None) -> dict:
    """What parse_message passed about the conversation ({} when there was no tracker)."""
    known = (metadata or {}).get(CONVERSATION_KEY)
    return known if isinstance(known, dict) else {}


def established_language(metadata: dict | None) -> str | None:
    """The conversation's language as parse_message passed it (None: not established)."""
    known = _known(metadata)
    return known.get("language") or known.get("detected_language")


def chosen_explicitly(metadata: dict | None) -> bool:
    return bool(_known(metadata).get("chosen"))


def in_conversation(metadata: dict | None) -> bool:
    """Whether parse_message passed what the conversation has (a tracker was at hand)."""
    return isinstance((metadata or {}).get(CONVERSATION_KEY), dict)


def in_form(metadata: dict | None) -> bool:
    """Whether a form (callback, interpreter booking) is asking its questions."""
    return bool(_known(metadata).get("in_form"))


def searching(metadata: dict | None) -> bool:
    """Whether the conversation has a search going (services listed for a need)."""
    return bool(_known(metadata).get("searching"))


def asked_hours_of_one(metadata: dict | None) -> bool:
    """Whether the conversation's last answer gave one service's opening hours."""
    return bool(_known(metadata).get("hours_of_one"))


def search_category(metadata: dict | None) -> str | None:
    """The need the conversation's search is for ("carers"), None without one."""
    category = _known(metadata).get("category")
    return category if isinstance(category, str) else None


def _with_conversation_language(original: Any) -> Any:
    async def parse_message(self: Any, message: Any, tracker: Any = None,
                            only_output_properties: bool = True) -> dict:
        metadata = message.metadata
        if tracker is not None:
            # a copy, with any key of the same name a client sent replaced
            message.metadata = {**(metadata if isinstance(metadata, dict) else {}),
                                CONVERSATION_KEY: conversation_language(tracker)}
        elif isinstance(metadata, dict) and CONVERSATION_KEY in metadata:
            message.metadata = {k: v for k, v in metadata.items() if k != CONVERSATION_KEY}
        try:
            parsed = await original(self, message, tracker, only_output_properties)
        finally:
            message.metadata = metadata
        if isinstance(parsed, dict) and isinstance(parsed.get("metadata"), dict):
            parsed["metadata"] = {k: v for k, v in parsed["metadata"].items()
                                  if k != CONVERSATION_KEY}
        return parsed
    return parse_message


def install() -> None:
    """Wrap Rasa's parse_message once (idempotent)."""
    from rasa.core.processor import MessageProcessor

    current = MessageProcessor.parse_message
    if getattr(current, "_passes_conversation_language", False):
        return
    wrapped = _with_conversation_language(current)
    wrapped._passes_conversation_language = True  # type: ignore[attr-defined]
    wrapped.__wrapped__ = current  # type: ignore[attr-defined]
    MessageProcessor.parse_message = wrapped
