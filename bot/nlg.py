"""The NLG endpoint's logic: render a fixed response in the conversation's language.

Rasa calls ``POST /nlg`` (served by the action server, see bot.action_server) for every
``utter_*`` response. English text is written once in domain.yml; ``{council_*}`` fields are
filled from data/council.yml; a crisis reply's ``custom`` says which language it is in.
"""
from __future__ import annotations

import copy
import string
from functools import cache
from pathlib import Path

import yaml

from bot.council import council_contact
from bot.i18n.catalog import SOURCE_LANGUAGE, direction
from bot.paths import REPO_ROOT

DOMAIN_FILE = REPO_ROOT / "domain.yml"


class _KeepUnknown(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@cache
def domain_responses(path: Path = DOMAIN_FILE) -> dict[str, list[dict]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return raw.get("responses") or {}


def _fill(text: str, fields: dict) -> str:
    return string.Formatter().vformat(text, (), _KeepUnknown(fields))


def conversation_language(tracker: dict | None) -> str:
    slots = (tracker or {}).get("slots") or {}
    return slots.get("language") or SOURCE_LANGUAGE


def render_response(name: str, tracker: dict | None = None) -> dict:
    """The reply for response ``name`` as the NLG endpoint returns it."""
    variations = domain_responses().get(name)
    if not variations:
        return {"text": ""}
    lang = conversation_language(tracker)
    variation = copy.deepcopy(variations[0])
    reply: dict = {"text": _fill(variation.get("text", ""), council_contact().fields())}
    if variation.get("buttons"):
        reply["buttons"] = variation["buttons"]
    if isinstance(variation.get("custom"), dict):
        reply["custom"] = {**variation["custom"], "language": lang, "dir": direction(lang)}
    return reply
