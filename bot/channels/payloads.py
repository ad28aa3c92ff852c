"""Residents must not be able to trigger intents or set slots by typing Rasa's payload syntax
(``/intent{"slot": "value"}``). A payload is accepted only when it is one a button the
assistant offered in this conversation carried, or the widget's language choice; anything
else that looks like a payload is passed on as ordinary words, so the resident still gets a
helpful answer and no state is changed behind their back.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable

from bot.i18n.languages import configured_languages

PAYLOAD = re.compile(r"\s*/(\w+)(\{.*\})?\s*", re.DOTALL)
RECENT_EVENTS = 60  # buttons offered in this many latest events still count
LANGUAGE_CHOICE = "choose_language"
# Set in a message's metadata when a typed payload was passed on as words: its words
# ("refine_search place HA1 open_now true") are Rasa's, not the resident's language, and must
# not switch the conversation's language (bot.nlu.components.LanguageDetector).
UNOFFERED_KEY = "unoffered_payload"


def looks_like_payload(text: str) -> bool:
    """Rasa reads any message starting with "/" as an intent (even "/hello world")."""
    return (text or "").lstrip().startswith("/")


def offered_payloads(events: Iterable[dict]) -> set[str]:
    """Payloads of the buttons the assistant sent among ``events`` (tracker events as dicts)."""
    offered = set()
    for event in list(events)[-RECENT_EVENTS:]:
        if event.get("event") != "bot":
            continue
        for button in (event.get("data") or {}).get("buttons") or []:
            if isinstance(button, dict) and isinstance(button.get("payload"), str):
                offered.add(_canonical(button["payload"]))
    return offered


def parse(text: str) -> tuple[str, dict] | None:
    """(intent, entities) of a payload such as ``/intent{"slot": "value"}``; None for
    anything else (including broken JSON)."""
    match = PAYLOAD.fullmatch(text or "")
    if not match:
        return None
    try:
        entities = json.loads(match.group(2)) if match.group(2) else {}
    except ValueError:
        return None
    return (match.group(1), entities) if isinstance(entities, dict) else None


def _canonical(payload: str) -> str:
    parsed = parse(payload)
    if parsed is None:
        return payload.strip()
    intent, entities = parsed
    return f"/{intent}{json.dumps(entities, sort_keys=True) if entities else ''}"


def is_language_choice(text: str) -> bool:
    """The widget's language picker: /choose_language{"reply_language": "<configured>"}."""
    parsed = parse(text)
    if parsed is None or parsed[0] != LANGUAGE_CHOICE:
        return False
    entities = parsed[1]
    return set(entities) == {"reply_language"} \
        and entities["reply_language"] in configured_languages()


def with_language(text: str, language: str | None) -> str:
    """A payload with ``language`` added as its ``reply_language`` entity (a button payload
    skips the NLU pipeline, and with it the language step); anything else as it is."""
    parsed = parse(text)
    if not language or parsed is None or "reply_language" in parsed[1]:
        return text
    intent, entities = parsed
    return f"/{intent}{json.dumps({**entities, 'reply_language': language})}"


def allowed(text: str, offered: set[str]) -> bool:
    return _canonical(text) in offered or is_language_choice(text)


def guarded(text: str, offered: set[str]) -> str:
    """``text`` as the pipeline should see it: a payload only if it was offered."""
    if not looks_like_payload(text) or allowed(text, offered):
        return text
    return " ".join(re.sub(r"[/{}\"\[\]:,]", " ", text).split()) or "?"


def unoffered(metadata: object) -> bool:
    """Whether the channel passed this message's payload on as words (see UNOFFERED_KEY)."""
    return isinstance(metadata, dict) and metadata.get(UNOFFERED_KEY) is True


def guarded_message(text: str, offered: set[str], metadata: object) -> tuple[str, object]:
    """``guarded``, and the metadata marked when a payload was turned into words."""
    passed = guarded(text, offered)
    if passed == text:
        return text, metadata
    return passed, {**(metadata if isinstance(metadata, dict) else {}), UNOFFERED_KEY: True}
