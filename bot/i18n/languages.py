"""The configured languages (data/languages.yml): names, direction, which are trained."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from bot.paths import DATA_DIR

LANGUAGES_FILE = DATA_DIR / "languages.yml"


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    native: str
    direction: str
    trained: bool


@cache
def configured_languages() -> dict[str, Language]:
    try:
        raw = yaml.safe_load(LANGUAGES_FILE.read_text(encoding="utf-8"))
        return {code: Language(code, entry["name"], entry["native"],
                               entry.get("direction", "ltr"), bool(entry.get("trained")))
                for code, entry in raw["languages"].items()}
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as err:
        raise ValueError(f"{LANGUAGES_FILE}: each language needs name, native, direction and "
                         f"trained ({err})") from err


def trained_languages() -> list[str]:
    return [code for code, language in configured_languages().items() if language.trained]
