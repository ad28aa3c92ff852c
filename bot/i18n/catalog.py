"""Reply catalogs: ``data/i18n/<lang>.yml``, one file per language.

``render(key, lang, **fields)`` gives the entry in ``lang``, falling back to English when the
language or the entry is missing, so a resident always gets an answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.paths import DATA_DIR, read_yaml

CATALOG_DIR = DATA_DIR / "i18n"
SOURCE_LANGUAGE = "en"


@dataclass(frozen=True)
class Entry:
    text: str
    reviewed: bool


@dataclass(frozen=True)
class Catalog:
    language: str
    name: str
    direction: str
    entries: dict[str, Entry]


class CatalogError(ValueError):
    """A catalog file an operator must fix."""


def _parse(path: Path) -> Catalog:
    try:
        raw = read_yaml(path) or {}
        entries = {key: Entry(str(value["text"]), bool(value.get("reviewed", False)))
                   for key, value in (raw.get("entries") or {}).items()}
    except (yaml.YAMLError, KeyError, TypeError, AttributeError) as err:
        raise CatalogError(f"{path}: not a valid catalog ({err}); each entry needs "
                           "'text' and 'reviewed'") from err
    return Catalog(raw.get("language", path.stem), raw.get("name", path.stem),
                   raw.get("direction", "ltr"), entries)


@cache
def available_languages() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in CATALOG_DIR.glob("*.yml")))


@cache
def _load(lang: str) -> Catalog:
    return _parse(CATALOG_DIR / f"{lang}.yml")


def load_catalog(lang: str) -> Catalog | None:
    """The catalog for ``lang``; None for a language with no catalog file (or a bogus code)."""
    return _load(lang) if lang in available_languages() else None


def direction(lang: str) -> str:
    """"rtl" or "ltr": the catalog's, else data/languages.yml's (machine-translated ones)."""
    from bot.i18n.languages import configured_languages

    catalog = load_catalog(lang)
    if catalog:
        return catalog.direction
    configured = configured_languages().get(lang)
    return configured.direction if configured else "ltr"


def text_language(lang: str) -> dict:
    """The ``custom`` of a plain-text reply not in English: which language it is in, and its
    direction, so a client can render it (DESIGN.md's contract)."""
    return {"type": "text", "language": lang, "dir": direction(lang)}


def tagged_with_language(message: dict, lang: str) -> dict:
    """A plain (text or buttons) reply not in English says which language it is in and its
    direction (``text_language``), so a client can render it; English replies, and replies
    that already carry a ``custom`` object, are left as they are."""
    if lang == SOURCE_LANGUAGE or message.get("custom"):
        return message
    return {**message, "custom": text_language(lang)}


def render(key: str, lang: str = SOURCE_LANGUAGE, **fields: object) -> str:
    """The catalog text for ``key`` in ``lang`` (English if missing), with fields filled in."""
    for candidate in (lang, SOURCE_LANGUAGE):
        catalog = load_catalog(candidate)
        if catalog and key in catalog.entries:
            try:
                return catalog.entries[key].text.format(**fields)
            except (KeyError, IndexError, ValueError, AttributeError):  # a broken {field}
                if candidate == SOURCE_LANGUAGE:
                    raise
    raise KeyError(f"no catalog entry {key!r} in {lang!r} or {SOURCE_LANGUAGE!r}")
