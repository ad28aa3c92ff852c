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


def _canonical(payload: str) -> str:
    match = PAYLOAD.fullmatch(payload)
    if not match:
        return payload.strip()
    try:
        entities = json.loads(match.group(2)) if match.group(2) else {}
    except ValueError:
        return payload.strip()
    return f"/{match.group(1)}{json.dumps(entities, sort_keys=True) if entities else ''}"


def is_language_choice(text: str) -> bool:
    """The widget's language picker: /choose_language{"reply_language": "<configured>"}."""
    match = PAYLOAD.fullmatch(text)
    if not match or match.group(1) != LANGUAGE_CHOICE or not match.group(2):
        return False
    try:
        entities = json.loads(match.group(2))
    except ValueError:
        return False
    return isinstance(entities, dict) and set(entities) == {"reply_language"} \
        and entities["reply_language"] in configured_languages()


def allowed(text: str, offered: set[str]) -> bool:
    return _canonical(text) in offered or is_language_choice(text)


def guarded(text: str, offered: set[str]) -> str:
    """``text`` as the pipeline should see it: a payload only if it was offered."""
    if not looks_like_payload(text) or allowed(text, offered):
        return text
    return " ".join(re.sub(r"[/{}\"\[\]:,]", " ", text).split()) or "?"
