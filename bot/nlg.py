"""Fixed replies, rendered inside the Rasa server (``nlg: type: bot.nlg.CatalogNLG``).

English text is written once in domain.yml; ``{council_*}`` fields are filled from
data/council.yml; a crisis reply's ``custom`` says which language it is in.

Why in-process rather than an NLG endpoint on the action server (DESIGN.md's suggestion):
the crisis reply must never depend on another process being up, and a fixed reply then
costs no HTTP round trip. The design's contract is the same: one English source, catalogs
per language, rendered by name.
"""
from __future__ import annotations

import asyncio
import copy
import logging
import string
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.conversation_language import CHOICE_EXTRACTORS as EXPLICIT_CHOICE_EXTRACTORS
from bot.council import council_contact
from bot.i18n.catalog import (
    SOURCE_LANGUAGE,
    direction,
    load_catalog,
    render,
    tagged_with_language,
    text_language,
)
from bot.i18n.languages import configured_languages, full_support_languages, reply_language
from bot.paths import REPO_ROOT, read_yaml

DOMAIN_FILE = REPO_ROOT / "domain.yml"

logger = logging.getLogger(__name__)


class _KeepUnknown(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(text: str, fields: dict) -> str:
    return string.Formatter().vformat(text, (), _KeepUnknown(fields))


def _is_crisis(variation: dict) -> bool:
    return isinstance(variation.get("custom"), dict) and variation["custom"].get("type") == "crisis"


def _text_in(name: str, variation: dict, lang: str) -> tuple[str, str]:
    """(text, language it is in): the catalog's translation of response ``name`` when ``lang``
    has one, else the English text from the domain. The crisis reply is only ever reviewed
    text: an unreviewed translation of it is not used (DESIGN.md)."""
    catalog = load_catalog(lang) if lang != SOURCE_LANGUAGE else None
    entry = catalog.entries.get(f"response.{name}") if catalog else None
    crisis = _is_crisis(variation)
    if crisis and lang not in full_support_languages():
        # a language we only machine translate: the English, which machine_translated_reply
        # follows with the language's own reviewed crisis text (not that text twice)
        return variation.get("text", ""), SOURCE_LANGUAGE
    if entry is not None and (entry.reviewed or not crisis):
        return entry.text, lang
    return variation.get("text", ""), SOURCE_LANGUAGE


def render_variation(variation: dict, lang: str, name: str = "") -> dict:
    """One domain response variation as the reply residents get, in ``lang`` if possible."""
    variation = copy.deepcopy(variation)
    text, lang = _text_in(name, variation, lang)
    try:
        filled = _fill(text, council_contact().fields(lang))
    except (ValueError, AttributeError, IndexError, KeyError):  # a broken translation
        logger.error("response %s in %s does not render; using English", name, lang)
        text, lang = variation.get("text", ""), SOURCE_LANGUAGE
        filled = _fill(text, council_contact().fields(lang))
    reply: dict = {"text": filled}
    if variation.get("buttons"):
        reply["buttons"] = [{**b, "title": button_title(b.get("title", ""), lang)}
                            for b in variation["buttons"]]
    if isinstance(variation.get("custom"), dict):
        reply["custom"] = {**variation["custom"], "language": lang, "dir": direction(lang)}
    return tagged_with_language(reply, lang)  # say which language (and direction) it is in


@lru_cache(maxsize=1)
def _english_catalog_keys() -> dict[str, str]:
    return {entry.text: key for key, entry in load_catalog(SOURCE_LANGUAGE).entries.items()}


def button_title(title: str, lang: str) -> str:
    """A domain response's button title in ``lang``: written in domain.yml as the English text
    of a catalog entry (e.g. help.offer_callback), so translators find it in their file."""
    key = _english_catalog_keys().get(title)
    return render(key, lang) if key else title


LANGUAGE_MENU = "utter_language_menu"
GREETING = "utter_greet"
CHOOSE_LANGUAGE_PAYLOAD = '/choose_language{{"reply_language": "{code}"}}'


def language_buttons() -> list[dict]:
    """One button per full-support language, titled in that language."""
    languages = configured_languages()
    return [{"title": languages[code].native,
             "payload": CHOOSE_LANGUAGE_PAYLOAD.format(code=code)}
            for code in full_support_languages()]


def _language_menu(variation: dict, lang: str, changed: bool, listed: bool = False) -> dict:
    """The language menu; when this message chose a language, a confirmation in it (with
    services ``listed``, that the list follows again, not "what help are you looking for?":
    action_list_again shows it)."""
    if changed:
        key = "language.changed_listed" if listed else "language.changed"
        reply = tagged_with_language({"text": render(
            key, lang, language=configured_languages()[lang].native)}, lang)
    else:
        reply = render_variation(variation, lang, LANGUAGE_MENU)
    return {**reply, "buttons": language_buttons()}


def render_response(responses: dict, name: str, slots: dict | None = None,
                    language_chosen: bool = False) -> dict | None:
    """The reply for response ``name`` (None when the domain has no such response).
    ``language_chosen``: the message being answered chose the language (menu confirms it)."""
    variations = responses.get(name)
    if not variations:
        return None
    lang = reply_language(slots)
    if name == LANGUAGE_MENU:
        listed = bool((slots or {}).get("listed_services")) and bool((slots or {}).get("category"))
        return _language_menu(variations[0], lang, language_chosen, listed)
    reply = render_variation(variations[0], lang, name)
    unknown = not any((slots or {}).get(s) for s in ("language", "detected_language"))
    if name == GREETING and unknown:
        # a greeting whose language nobody could tell ("salam": Arabic, Urdu or Somali?) is
        # answered in English, with a button for each language in its own name
        reply = {**reply, "buttons": [*(reply.get("buttons") or []), *language_buttons()]}
    return reply


@lru_cache(maxsize=1)
def domain_responses(path: Path = DOMAIN_FILE) -> dict:
    """The responses of domain.yml, for replies sent outside a Rasa turn (see channels)."""
    return (read_yaml(path) or {}).get("responses") or {}


def crisis_reply(lang: str = SOURCE_LANGUAGE) -> dict:
    return render_response(domain_responses(), "utter_crisis", {"language": lang})


@lru_cache(maxsize=1)
def _translator():
    """One translator per process: its circuit breaker must see every reply's failures."""
    from bot.directory.db import open_session
    from bot.i18n.translate import MachineTranslator
    return MachineTranslator(open_session)


def machine_translated_reply(reply: dict, lang: str, translator=None) -> dict:
    """A fixed reply for a language we have no catalog for (data/languages.yml
    ``machine_translated``): the English text machine translated (cached, time-limited) and
    marked so. The crisis reply is never machine translated: it is the reviewed English text,
    followed by the language's own reviewed crisis text where one exists."""
    custom = reply.get("custom") if isinstance(reply.get("custom"), dict) else {}
    if custom.get("type") == "crisis":
        own = crisis_text_reviewed_in(lang)
        return {**reply, "text": f"{reply['text']}\n\n{own}" if own else reply["text"]}
    parts = [p for p in (custom.get("summary"), *(custom.get("notes") or [])) if p]
    buttons = reply.get("buttons") or []
    titles = [b["title"] for b in buttons if isinstance(b, dict) and b.get("title")]
    translated = (translator or _translator()).translate_all(
        [reply.get("text", ""), *parts, *titles], lang)
    text = translated.get(reply.get("text", ""))
    shown_in = lang if text else SOURCE_LANGUAGE  # provider off, down or slow: English
    if text and parts:  # a services reply: the widget shows its summary and notes
        custom = {**custom, "summary": translated.get(custom.get("summary"),
                                                      custom.get("summary")),
                  "notes": [translated.get(n, n) for n in custom.get("notes") or []]}
    if text and titles:  # the buttons in the same language as the text (payloads unchanged)
        reply = {**reply, "buttons": [
            {**b, "title": translated.get(b["title"], b["title"])}
            if isinstance(b, dict) and b.get("title") else b for b in buttons]}
    if not text:  # all of it in English: say why, in English (the one language we can)
        unavailable = render("translation.unavailable", SOURCE_LANGUAGE,
                             language=configured_languages()[lang].name
                             if lang in configured_languages() else lang)
        reply = {**reply, "text": f"{reply.get('text', '')}\n{unavailable}".strip()}
        if parts:
            custom = {**custom, "notes": [*(custom.get("notes") or []), unavailable]}
    return {**reply, "text": text or reply.get("text", ""),
            "custom": {**custom, **text_language(shown_in), "type": custom.get("type", "text"),
                       "machine_translated": bool(text)}}


def crisis_text_reviewed_in(lang: str) -> str | None:
    catalog = load_catalog(lang)
    entry = catalog.entries.get("response.utter_crisis") if catalog else None
    return _fill(entry.text, council_contact().fields(lang)) if entry and entry.reviewed else None


try:  # the Rasa server imports this module; tests and tools may not have Rasa loaded
    from rasa.core.nlg.generator import NaturalLanguageGenerator
except ImportError:  # pragma: no cover
    NaturalLanguageGenerator = object  # type: ignore[misc,assignment]


# Who put a ``reply_language`` entity on a message that chose its language: LanguageRequest
# ("can we speak Urdu?"), Rasa's payload parser for a language button
# (/choose_language{"reply_language": "ro"}, extractor RegexMessageHandler), or nobody (a
# tracker built by hand). The LanguageDetector's switches are detections, not choices.
CHOICE_EXTRACTORS = (*EXPLICIT_CHOICE_EXTRACTORS, None)


class CatalogNLG(NaturalLanguageGenerator):  # type: ignore[misc]
    """Rasa NLG that renders domain responses through bot.nlg, in the Rasa process."""

    def __init__(self, endpoint_config: Any = None, domain: Any = None) -> None:
        self.responses = dict(domain.responses) if domain is not None else {}
        council_contact()  # a broken data/council.yml stops start-up with one clear line

    async def generate(self, utter_action: str, tracker: Any, output_channel: str,
                       **kwargs: Any) -> dict[str, Any] | None:
        # Rasa creates the NLG before it loads a model (domain None), then passes the
        # model's responses with every call.
        responses = kwargs.get("domain_responses") or self.responses
        latest = getattr(tracker, "latest_message", None)
        # chosen by a "can we speak Urdu?" message or a language button (not by detection)
        chosen = any(e.get("entity") == "reply_language"
                     and e.get("extractor") in CHOICE_EXTRACTORS
                     for e in (getattr(latest, "entities", None) or []))
        slots = tracker.current_slot_values()
        reply = render_response(responses, utter_action, slots, chosen)
        lang = reply_language(slots)
        if reply is not None and lang not in full_support_languages():
            reply = await asyncio.to_thread(machine_translated_reply, reply, lang)
        return reply
