"""Short answers residents type inside a form: yes, no, cancel (data/answers.yml).

A message that is exactly such a word says nothing about danger or about which language the
conversation is in: the crisis step does not act on the classifier alone for it (an Arabic
"نعم" once looked like a crisis to the classifier), and Latin-script ones ("no", "da", "tak")
do not set the conversation's language.
"""
from __future__ import annotations

import re
from functools import lru_cache

from bot.paths import DATA_DIR, read_yaml

ANSWERS_FILE = DATA_DIR / "answers.yml"
YES, NO, CANCEL = "yes", "no", "cancel"
_PUNCTUATION = re.compile(r"[\s.,!?؟।:;'\"()\-]+")


def plain(text: str) -> str:
    return _PUNCTUATION.sub(" ", str(text).casefold()).strip()


@lru_cache(maxsize=1)
def answer_words() -> dict[str, dict[str, frozenset[str]]]:
    raw = read_yaml(ANSWERS_FILE) or {}
    return {lang: {kind: frozenset(plain(w) for w in words or []) for kind, words in
                   entry.items()} for lang, entry in raw.items()}


@lru_cache(maxsize=1)
def _every_answer() -> frozenset[str]:
    return frozenset(word for entry in answer_words().values() for words in entry.values()
                     for word in words)


def answer(text: str, lang: str) -> str | None:
    """"yes", "no" or "cancel" when ``text`` says so (in ``lang`` or English), else None."""
    said = plain(text)
    words = answer_words()
    for kind in (CANCEL, YES, NO):
        if said == kind or any(said in words.get(code, {}).get(kind, ())
                               for code in (lang, "en")):
            return kind
    return None


def is_plain_answer(text: str) -> bool:
    """The whole message is a yes/no/cancel word in one of the languages."""
    return plain(text) in _every_answer()


@lru_cache(maxsize=1)
def _every_yes() -> frozenset[str]:
    return frozenset(word for entry in answer_words().values() for word in entry.get(YES, ()))


def is_plain_yes(text: str) -> bool:
    """The whole message is a "yes" word ("ok", "da", "tak", "haa", "ٹھیک ہے"…) in one of the
    languages."""
    return plain(text) in _every_yes()
