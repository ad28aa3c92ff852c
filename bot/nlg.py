"""Fixed replies, rendered inside the Rasa server (``nlg: type: bot.nlg.CatalogNLG``).

English text is written once in domain.yml; ``{council_*}`` fields are filled from
data/council.yml; a crisis reply's ``custom`` says which language it is in.

Why in-process rather than an NLG endpoint on the action server (DESIGN.md's suggestion):
the crisis reply must never depend on another process being up, and a fixed reply then
costs no HTTP round trip. The design's contract is the same: one English source, catalogs
per language, rendered by name.
"""
from __future__ import annotations

import copy
import logging
import string
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.council import council_contact
from bot.i18n.catalog import SOURCE_LANGUAGE, direction, load_catalog
from bot.paths import REPO_ROOT

DOMAIN_FILE = REPO_ROOT / "domain.yml"

logger = logging.getLogger(__name__)


class _KeepUnknown(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(text: str, fields: dict) -> str:
    return string.Formatter().vformat(text, (), _KeepUnknown(fields))


def conversation_language(slots: dict | None) -> str:
    return (slots or {}).get("language") or SOURCE_LANGUAGE


def _is_crisis(variation: dict) -> bool:
    return isinstance(variation.get("custom"), dict) and variation["custom"].get("type") == "crisis"


def _text_in(name: str, variation: dict, lang: str) -> tuple[str, str]:
    """(text, language it is in): the catalog's translation of response ``name`` when ``lang``
    has one, else the English text from the domain. The crisis reply is only ever reviewed
    text: an unreviewed translation of it is not used (DESIGN.md)."""
    catalog = load_catalog(lang) if lang != SOURCE_LANGUAGE else None
    entry = catalog.entries.get(f"response.{name}") if catalog else None
    if entry is not None and (entry.reviewed or not _is_crisis(variation)):
        return entry.text, lang
    return variation.get("text", ""), SOURCE_LANGUAGE


def render_variation(variation: dict, lang: str, name: str = "") -> dict:
    """One domain response variation as the reply residents get, in ``lang`` if possible."""
    variation = copy.deepcopy(variation)
    text, lang = _text_in(name, variation, lang)
    try:
        filled = _fill(text, council_contact().fields())
    except (ValueError, AttributeError, IndexError, KeyError):  # a broken translation
        logger.error("response %s in %s does not render; using English", name, lang)
        text, lang = variation.get("text", ""), SOURCE_LANGUAGE
        filled = _fill(text, council_contact().fields())
    reply: dict = {"text": filled}
    if variation.get("buttons"):
        reply["buttons"] = variation["buttons"]
    if isinstance(variation.get("custom"), dict):
        reply["custom"] = {**variation["custom"], "language": lang, "dir": direction(lang)}
    return reply


def render_response(responses: dict, name: str, slots: dict | None = None) -> dict | None:
    """The reply for response ``name`` (None when the domain has no such response)."""
    variations = responses.get(name)
    if not variations:
        return None
    return render_variation(variations[0], conversation_language(slots), name)


@lru_cache(maxsize=1)
def domain_responses(path: Path = DOMAIN_FILE) -> dict:
    """The responses of domain.yml, for replies sent outside a Rasa turn (see channels)."""
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}


def crisis_reply(lang: str = SOURCE_LANGUAGE) -> dict:
    return render_response(domain_responses(), "utter_crisis", {"language": lang})


try:  # the Rasa server imports this module; tests and tools may not have Rasa loaded
    from rasa.core.nlg.generator import NaturalLanguageGenerator
except ImportError:  # pragma: no cover
    NaturalLanguageGenerator = object  # type: ignore[misc,assignment]


class CatalogNLG(NaturalLanguageGenerator):  # type: ignore[misc]
    """Rasa NLG that renders domain responses through bot.nlg, in the Rasa process."""

    def __init__(self, endpoint_config: Any = None, domain: Any = None) -> None:
        self.responses = dict(domain.responses) if domain is not None else {}
        council_contact()  # a broken data/council.yml stops start-up with one clear line

    async def generate(self, utter_action: str, tracker: Any, output_channel: str,
                       **kwargs: Any) -> dict[str, Any] | None:
        # Rasa creates the NLG before it loads a model (domain None), then passes the
        # model's responses with every call.
        responses = kwargs.get("domain_responses") or self.responses
        return render_response(responses, utter_action, tracker.current_slot_values())
