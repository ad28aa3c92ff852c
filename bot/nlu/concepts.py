"""Concept lexicons: the many ways residents write one idea, mapped to one name.

``data/concepts/<lang>.yml`` lists, per concept, the words and phrases that say it: for Arabic,
the Modern Standard word and each dialect's ("I want": اريد، بدي، عايز، ابغي، داير...), verb
forms, loanwords in Arabic letters (كاونسل) and Arabizi spellings (mtarjem, motarjem). The
intent classifier sees the concept as well as the words (bot.nlu.featurizer.
ArabicConceptFeaturizer), so a line that teaches it one spelling teaches it all of them.

An entry is a whole word ("ترجمه"), a stem ending in ``*`` (words starting with it:
"مترجم*"), or words in a row ("sign language"). Entries are written folded as the tokenizer
folds a word (bot.nlu.tokenizer.fold: lower case, Arabic letter variants as one, no vowel
marks, letters typed three times over once). A word is tried as typed, then without its
leading clitics: و/ف, ب/ل/ك, ال/لل in Arabic letters ("والمترجم" -> "مترجم"); el-, il-, al-,
wel-, bel-, lel-, w, b in Latin ones, when four or more letters remain ("elmotarjem").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import yaml

from bot.paths import DATA_DIR

CONCEPTS_DIR = DATA_DIR / "concepts"
ARABIC_LETTER = re.compile("[\u0621-\u064a]")
ARABIC_CLITICS = re.compile("^(?:[\u0648\u0641])?(?:\u0644\u0644|[\u0628\u0643\u0644]?"
                            "(?:\u0627\u0644)?)")  # (و|ف)? then لل, or (ب|ك|ل)? (ال)?
LATIN_CLITICS = re.compile(r"^(?:(?:wel|bel|lel|el|il|al|w|b)-?|l-)")
MIN_LATIN_REST = 4
MIN_ARABIC_REST = 2


class ConceptLexiconError(ValueError):
    """A concept file that cannot be used (the message names the file and the entry)."""


@dataclass(frozen=True)
class ConceptLexicon:
    words: dict[str, str]                             # whole word -> concept
    stems: dict[str, str]                             # stem -> concept
    phrases: tuple[tuple[tuple[str, ...], str], ...]  # (words, concept)

    @cached_property
    def _longest_stem(self) -> int:
        return max(map(len, self.stems), default=0)

    @cached_property
    def _phrases_by_first_word(self) -> dict[str, list[int]]:
        """First word of a phrase -> the phrases' indexes (a first word is matched whole)."""
        index: dict[str, list[int]] = {}
        for n, (phrase, _) in enumerate(self.phrases):
            index.setdefault(phrase[0], []).append(n)
        return index

    @classmethod
    def from_mapping(cls, concepts: object, source: str = "concepts") -> ConceptLexicon:
        if not isinstance(concepts, dict) or not concepts:
            raise ConceptLexiconError(f"{source}: 'concepts' must map names to lists of entries")
        words: dict[str, str] = {}
        stems: dict[str, str] = {}
        phrases: dict[tuple[str, ...], str] = {}
        for name, entries in concepts.items():
            if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                raise ConceptLexiconError(f"{source}: concept name {name!r} is not lower_snake_case")
            if not isinstance(entries, list) or not entries:
                raise ConceptLexiconError(f"{source}: concept {name!r} has no list of entries")
            for entry in entries:
                text = str(entry).strip().lower() if isinstance(entry, (str, int)) else ""
                if not text or text == "*":
                    raise ConceptLexiconError(f"{source}: concept {name!r}: empty entry {entry!r}")
                parts = tuple(text.split())
                table, key = ((phrases, parts) if len(parts) > 1
                              else (stems, text[:-1]) if text.endswith("*") else (words, text))
                if table.get(key, name) != name:
                    raise ConceptLexiconError(f"{source}: {entry!r} is in both {table[key]!r} "
                                              f"and {name!r}")
                table[key] = name
        return cls(words, stems, tuple(phrases.items()))

    @classmethod
    def load(cls, path: Path) -> ConceptLexicon:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise ConceptLexiconError(f"{path}: cannot read ({error})") from error
        return cls.from_mapping((data or {}).get("concepts") if isinstance(data, dict) else None,
                                str(path))

    def _word_concept(self, word: str) -> str | None:
        """The concept of the word's first form that has one: a whole word, else the longest
        stem it starts with."""
        for form in forms(word):
            if form in self.words:
                return self.words[form]
            for length in range(min(len(form), self._longest_stem), 0, -1):
                if form[:length] in self.stems:
                    return self.stems[form[:length]]
        return None

    def concepts(self, words: list[str]) -> list[str]:
        """The concepts of ``words`` (folded, lower case): each word's, then each phrase's
        found anywhere in them (once a phrase), in the lexicon's order."""
        found = [c for c in map(self._word_concept, words) if c]
        matched: set[int] = set()
        for i, word in enumerate(words):
            for form in forms(word):
                for n in self._phrases_by_first_word.get(form, ()):
                    phrase = self.phrases[n][0]
                    if n not in matched and i + len(phrase) <= len(words) and all(
                            _matches(words[i + j], phrase[j], j == len(phrase) - 1)
                            for j in range(1, len(phrase))):
                        matched.add(n)
        found.extend(self.phrases[n][1] for n in sorted(matched))
        return found


def forms(word: str) -> list[str]:
    """``word`` as typed, then without its leading clitics (see the module docstring)."""
    if ARABIC_LETTER.search(word):
        rest, least = ARABIC_CLITICS.sub("", word), MIN_ARABIC_REST
    else:
        rest, least = LATIN_CLITICS.sub("", word), MIN_LATIN_REST
    return [word, rest] if rest != word and len(rest) >= least else [word]


def _matches(word: str, entry: str, last: bool) -> bool:
    stem = entry[:-1] if last and entry.endswith("*") else None
    return any(form == entry or (stem is not None and form.startswith(stem))
               for form in forms(word))


@cache
def concept_lexicon(language: str) -> ConceptLexicon | None:
    """``data/concepts/<language>.yml``, or None when the language has none."""
    path = CONCEPTS_DIR / f"{language}.yml"
    return ConceptLexicon.load(path) if path.exists() else None
