"""Access features: codes, the labels residents see, and how free text maps to codes.

Service-level features come from attributes with taxonomy ``harrow-access`` (term = code).
Location-level features come from ``location.accessibility[].description`` (and ``details``)
free text, mapped by keywords. A clause that negates ("no step-free access", "there is not a
hearing loop") does not count.
"""
from __future__ import annotations

import re
from functools import lru_cache

ACCESS_TAXONOMY = "harrow-access"

ACCESS_LABELS: dict[str, str] = {
    "wheelchair": "wheelchair access",
    "hearing_loop": "hearing loop",
    "accessible_toilet": "accessible toilet",
    "bsl": "BSL",
    "easy_read": "easy read",
    "large_print": "large print",
    "braille": "braille",
    "audio": "audio",
    "video_interpreting": "video interpreting",
}

SERVICE_ACCESS_CODES: tuple[str, ...] = (
    "bsl", "easy_read", "large_print", "braille", "audio", "video_interpreting",
)

_KEYWORDS: dict[str, tuple[str, ...]] = {
    "wheelchair": ("wheelchair", "step-free", "step free", "level access"),
    "hearing_loop": ("hearing loop", "induction loop"),
    "accessible_toilet": ("accessible toilet",),
    "bsl": ("bsl", "british sign language"),
    "easy_read": ("easy read", "easy-read"),
    "large_print": ("large print", "large-print"),
    "braille": ("braille",),
}

_PATTERNS = {
    code: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + ")")
    for code, words in _KEYWORDS.items()
}
_CLAUSE_SPLIT = re.compile(r"[.;,!?\n]+|\bbut\b|\bhowever\b")
_NEGATION = re.compile(r"\b(no|not|without|cannot|unavailable|none)\b|n't\b")


def access_label(code: str) -> str:
    """Label shown to residents for an access code (the code itself when unknown)."""
    return ACCESS_LABELS.get(code, code)


def access_codes_from_text(*texts: str | None) -> set[str]:
    """Access codes that ``texts`` say are available, ignoring negated clauses."""
    found: set[str] = set()
    for text in texts:
        if text:
            found |= _codes_in(text)
    return found


@lru_cache(maxsize=4096)
def _codes_in(text: str) -> frozenset[str]:
    found = set()
    for clause in _CLAUSE_SPLIT.split(text.casefold()):
        if clause.strip() and not _NEGATION.search(clause):
            found.update(code for code, pattern in _PATTERNS.items() if pattern.search(clause))
    return frozenset(found)
