"""The configured languages (data/languages.yml): names, direction, which are trained."""
from __future__ import annotations

import re
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
        languages = {code: Language(code, entry["name"], entry["native"],
                                    entry.get("direction", "ltr"), entry.get("trained", False))
                     for code, entry in raw["languages"].items()}
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as err:
        raise ValueError(f"{LANGUAGES_FILE}: each language needs name, native, direction and "
                         f"trained ({err})") from err
    for code, language in languages.items():
        if not (isinstance(code, str) and re.fullmatch(r"[a-z]{2,3}", code)) \
                or not isinstance(language.trained, bool) \
                or language.direction not in ("ltr", "rtl"):
            raise ValueError(f"{LANGUAGES_FILE}: language {code!r} needs a quoted 2-3 letter "
                             "code, trained: true/false and direction: ltr/rtl")
    return languages


def trained_languages() -> list[str]:
    return [code for code, language in configured_languages().items() if language.trained]
