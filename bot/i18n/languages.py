"""The configured languages (data/languages.yml): names, direction, which are trained."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from bot.paths import DATA_DIR, read_yaml

LANGUAGES_FILE = DATA_DIR / "languages.yml"


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    native: str
    direction: str
    trained: bool
    full: bool = True  # full support: catalog, NLU data, crisis lexicon; else machine translated


@cache
def configured_languages() -> dict[str, Language]:
    try:
        raw = read_yaml(LANGUAGES_FILE)
        languages = {code: Language(code, entry["name"], entry["native"],
                                    entry.get("direction", "ltr"), entry.get("trained", False))
                     for code, entry in raw["languages"].items()}
        for code, entry in (raw.get("machine_translated") or {}).items():
            if code not in languages:
                languages[code] = Language(code, entry["name"], entry["native"],
                                           entry.get("direction", "ltr"), False, full=False)
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


def full_support_languages() -> list[str]:
    """Languages with reviewed-or-not catalogs, NLU data and a crisis lexicon."""
    return [code for code, language in configured_languages().items() if language.full]


def reply_language(slots: dict | None) -> str:
    """The language to answer in: the conversation's language once chosen or switched to
    (slot ``language``), else the language the first message was detected in (slot
    ``detected_language``), else English."""
    slots = slots or {}
    languages = configured_languages()
    for name in ("language", "detected_language"):
        value = slots.get(name)
        if isinstance(value, str) and value in languages:
            return value
    return "en"
