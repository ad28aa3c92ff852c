"""Every entity annotated in the NLU data is found, with the same canonical value, by the
lexicon extractor (bot/nlu/lexicon.py) — the component that really extracts entities.

Usage: python scripts/check_lexicon_coverage.py [LANG ...]  (default: every data/nlu/*.yml)
Exit 1 and list each annotation the lexicon misses or maps to another value.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlu.examples import ANNOTATION, annotated_examples
from bot.nlu.lexicon import find_entities

EXTRACTED = {"place", "spoken_language", "access", "open_now", "open_day", "ordinal"}


def annotated(line: str) -> tuple[str, list[tuple[str, str, int, int]]]:
    """Plain text and [(entity, value, start, end)] of one training example; value is None
    when the annotation gives none ([Tamil](spoken_language): a synonym, any value will do)."""
    found, plain, last, length = [], [], 0, 0
    for match in ANNOTATION.finditer(line):
        plain.append(line[last:match.start()])
        length += match.start() - last
        surface = match.group(1)
        if match.group(2):
            entity, value = match.group(2), None
        else:
            spec = json.loads(match.group(3))
            entity, value = spec["entity"], spec.get("value")
            value = None if value is None else str(value)
        found.append((entity, value, length, length + len(surface)))
        plain.append(surface)
        length += len(surface)
        last = match.end()
    plain.append(line[last:])
    return "".join(plain), found


def check(path: Path) -> list[str]:
    """An annotation is covered when the lexicon finds that kind of entity over the same text
    (overlapping spans count: "number 2" for [2]) with the same canonical value."""
    problems = []
    for intent, example in annotated_examples(path):
        text, wanted = annotated(example)
        got = find_entities(text)
        for entity, value, start, end in wanted:
            if entity not in EXTRACTED:
                continue
            if not any(f.entity == entity and f.start < end and start < f.end and (
                    value is None or entity == "place"
                    or f.value.casefold() == value.casefold()) for f in got):
                problems.append(f"{path.name}: {intent}: {text!r}: "
                                f"{entity}={value!r} ({text[start:end]!r}) not found; "
                                f"lexicon gave {[(f.entity, f.value, f.text) for f in got]}")
    return problems


def main(languages: list[str]) -> int:
    paths = [ROOT / "data" / "nlu" / f"{lang}.yml" for lang in languages] if languages else \
        sorted((ROOT / "data" / "nlu").glob("*.yml"))
    problems = [p for path in paths for p in check(path)]
    for problem in problems:
        print(problem)
    print(f"{len(problems)} annotation(s) the lexicon does not find in "
          f"{', '.join(p.name for p in paths)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
