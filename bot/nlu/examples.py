"""The labelled examples of a Rasa NLU file (data/nlu/*.yml, tests/nlu/*_heldout.yml), for the
language identifier, the held-out evaluation and the data checks in scripts/."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from bot.paths import read_yaml

# [text](entity) or [text]{"entity": ..., "value": ...}: group 1 the text, 2 the entity of the
# short form, 3 the JSON of the long form
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\(([^)]+)\)|(\{[^}]*\}))")


def annotated_examples(path: Path) -> Iterator[tuple[str, str]]:
    """(intent, example as written, annotations included) of every intent example."""
    for block in (read_yaml(path) or {}).get("nlu", []):
        for line in (block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- ") and block.get("intent"):
                yield block["intent"], line[2:]


def plain_text(example: str) -> str:
    """The example as a resident would type it: annotations reduced to their text."""
    return ANNOTATION.sub(r"\1", example)


def labelled_examples(path: Path) -> list[tuple[str, str]]:
    """(plain text, intent) of every intent example in ``path``."""
    return [(plain_text(example), intent) for intent, example in annotated_examples(path)]
