"""Crisis detection by lexicon (per language; the files say whether a fluent speaker has reviewed them).

Every configured language's lexicon (``data/safety/<lang>.yml``) is checked on every message,
whatever language the message seems to be in: a resident in danger may switch language, and a
miss costs far more than a false alarm. Exclusions ("dying for a coffee", "killing time") are
blanked out before the patterns are tried: every language's, before any language's patterns.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.i18n.spelling import ARABIC_MARKS, fold_arabic_letters
from bot.paths import DATA_DIR, read_yaml

SAFETY_DIR = DATA_DIR / "safety"
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'"})


@dataclass(frozen=True)
class Lexicon:
    language: str
    patterns: tuple[re.Pattern, ...]
    exclusions: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class CrisisMatch:
    language: str
    pattern: str
    matched_text: str


# Arabic-script vowel marks (tashkeel), superscript alef and the stretching tatweel
# (bot.i18n.spelling.ARABIC_MARKS): optional in writing, so patterns are written without them
# and messages are matched without them.


def normalise(text: str) -> str:
    """Fold case, width, apostrophes, Arabic vowel marks and Arabic letters written several
    ways (آ أ إ -> ا, ة -> ه...: bot.i18n.spelling) so one pattern serves many spellings.
    Patterns are folded the same way when they are read, so they may use any spelling."""
    folded = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()
    return re.sub(r"\s+", " ", fold_arabic_letters(ARABIC_MARKS.sub("", folded)))


def _compile(path: Path) -> Lexicon:
    raw = read_yaml(path) or {}
    try:
        patterns = tuple(re.compile(fold_arabic_letters(p), re.IGNORECASE)
                         for p in raw.get("patterns", []))
        exclusions = tuple(re.compile(fold_arabic_letters(p), re.IGNORECASE)
                           for p in raw.get("exclusions", []))
    except re.error as err:
        raise ValueError(f"{path}: bad regular expression ({err}): fix the pattern") from err
    return Lexicon(raw.get("language", path.stem), patterns, exclusions)


@cache
def load_lexicons(directory: Path = SAFETY_DIR) -> tuple[Lexicon, ...]:
    """All crisis lexicons found in ``directory``, one per language file."""
    return tuple(_compile(p) for p in sorted(directory.glob("*.yml")))


def detect_crisis(text: str, lexicons: tuple[Lexicon, ...] | None = None) -> CrisisMatch | None:
    """The first lexicon match in ``text``, or None when nothing signals immediate danger."""
    if not text or not text.strip():
        return None
    lexicons = lexicons if lexicons is not None else load_lexicons()
    # every lexicon's exclusions first, then every lexicon's patterns: "suicide prevention
    # training" is no danger whichever language's "suicid…" pattern would see it (an English
    # exclusion had not stopped the Spanish pattern, in a Urdu or Tamil message)
    cleaned = normalise(text)
    for lexicon in lexicons:
        for exclusion in lexicon.exclusions:
            cleaned = exclusion.sub(" ", cleaned)
    for lexicon in lexicons:
        for pattern in lexicon.patterns:
            found = pattern.search(cleaned)
            if found:
                return CrisisMatch(lexicon.language, pattern.pattern, found.group(0))
    return None
