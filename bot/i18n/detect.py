"""Which language a message is written in, offline, among the configured languages.

Scripts settle most cases at once: Gujarati and Tamil have their own blocks; Arabic script is
Urdu when it uses letters Arabic does not (ٹ ڈ ڑ ں ے ہ ھ گ چ پ ک ی), else Arabic. Latin-script
text goes to lingua (lingua-language-detector), restricted to the configured languages.

``choose_reply_language`` is DESIGN.md's rule: an explicit choice wins; otherwise a confident
detection of a message of three or more words switches (to a trained language); short
messages keep the language.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache

from bot.i18n.catalog import SOURCE_LANGUAGE
from bot.i18n.languages import configured_languages, trained_languages

logger = logging.getLogger(__name__)

MIN_WORDS_TO_SWITCH = 3
MIN_CONFIDENCE = 0.6
SCRIPTS = {"gu": re.compile("[\u0a80-\u0aff]"), "ta": re.compile("[\u0b80-\u0bff]")}
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
URDU_LETTERS = re.compile("[\u0679\u0688\u0691\u06ba\u06d2\u06c1\u06be\u06af\u0686\u067e"
                          "\u06a9\u06cc]")
LATIN_LETTER = re.compile(r"[a-zA-Z\u00c0-\u024f]")


@dataclass(frozen=True)
class Detection:
    language: str
    confidence: float
    method: str  # "script" or "lingua"


def _by_script(text: str) -> Detection | None:
    for code, pattern in SCRIPTS.items():
        if pattern.search(text):
            return Detection(code, 1.0, "script")
    if ARABIC_SCRIPT.search(text):
        return Detection("ur" if URDU_LETTERS.search(text) else "ar", 0.9, "script")
    return None


@cache
def _lingua_detector():
    """A lingua detector for the configured languages it knows (None if lingua is missing)."""
    try:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
    except ImportError:  # detection then relies on scripts alone
        logger.warning("lingua-language-detector is not installed: script detection only")
        return None
    languages = []
    for code in configured_languages():
        try:
            languages.append(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())))
        except (AttributeError, ValueError):
            logger.warning("lingua does not know language %r", code)
    return LanguageDetectorBuilder.from_languages(*languages).build() if len(languages) > 1 \
        else None


def detect_language(text: str) -> Detection | None:
    """The most likely configured language of ``text``, or None when there is nothing to go on."""
    if not text or not text.strip():
        return None
    found = _by_script(text)
    if found or not LATIN_LETTER.search(text):
        return found
    detector = _lingua_detector()
    if detector is None:
        return None
    values = detector.compute_language_confidence_values(text)
    if not values:
        return None
    best = values[0]
    return Detection(best.language.iso_code_639_1.name.lower(), float(best.value), "lingua")


def explicit_language(metadata: dict | None) -> str | None:
    """A configured language the client chose explicitly (widget selector, API metadata)."""
    chosen = (metadata or {}).get("language")
    return chosen if isinstance(chosen, str) and chosen in configured_languages() else None


def switches_language(text: str, found: Detection | None) -> bool:
    """A detection changes the reply language only for a message of three or more words,
    when confident, and only to a language the assistant understands (trained NLU) other
    than English. (Switching back to English is by explicit choice for now: the NLU sees no
    tracker, so it cannot tell "still English" from "back to English"; see README.)"""
    return (found is not None and len(text.split()) >= MIN_WORDS_TO_SWITCH
            and found.confidence >= MIN_CONFIDENCE and found.language != SOURCE_LANGUAGE
            and found.language in trained_languages())


def language_change(text: str, metadata: dict | None,
                    found: Detection | None) -> str | None:
    """The language this message switches the conversation to, or None to keep it."""
    explicit = explicit_language(metadata)
    if explicit:
        return explicit
    return found.language if switches_language(text, found) else None


def choose_reply_language(current: str | None, text: str, metadata: dict | None = None) -> str:
    """DESIGN.md's reply-language rule."""
    changed = language_change(text, metadata, detect_language(text))
    return changed or (current if current in configured_languages() else "en")
