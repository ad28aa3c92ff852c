"""The web chat widget: its static files (this folder) and the strings it shows.

``widget.js`` and ``widget.css`` are the embeddable widget; ``index.html`` is the demo page
served at ``/chat/``. The widget's own words (buttons, labels, the privacy sentence) come from
the reply catalogs (``widget.*`` entries in data/i18n/<lang>.yml), so translators review them
with everything else; ``widget_strings`` gathers them for one language.
"""
from __future__ import annotations

from pathlib import Path

from bot.directory.access import ACCESS_LABELS
from bot.i18n.catalog import SOURCE_LANGUAGE, direction, load_catalog, render
from bot.i18n.languages import configured_languages, full_support_languages
from bot.replies import contact_route, language_name

WEB_DIR = Path(__file__).resolve().parent

# name → content type of every file the widget channel serves (nothing else is served)
STATIC_FILES = {
    "index.html": "text/html; charset=utf-8",
    "demo.css": "text/css; charset=utf-8",
    "widget.js": "text/javascript; charset=utf-8",
    "widget.css": "text/css; charset=utf-8",
}
WIDGET_PREFIX = "widget."
LANGUAGE_PREFIX = "language."
SERVICE_KEYS = ("open_now", "closed_now")


def widget_language(requested: object) -> str:
    """A full-support language for the widget's own words; English for anything else."""
    if isinstance(requested, str) and requested in full_support_languages() \
            and load_catalog(requested):
        return requested
    return SOURCE_LANGUAGE


def widget_strings(requested: object) -> dict:
    """Everything the widget shows in ``requested`` language, besides the bot's replies."""
    lang = widget_language(requested)
    english = load_catalog(SOURCE_LANGUAGE)
    strings = {key[len(WIDGET_PREFIX):]: render(key, lang)
               for key in english.entries if key.startswith(WIDGET_PREFIX)}
    strings.update({key: render(f"service.{key}", lang) for key in SERVICE_KEYS})
    languages = configured_languages()
    return {
        "language": lang,
        "dir": direction(lang),
        "strings": strings,
        "languages": [{"code": code, "name": languages[code].native, "dir": direction(code)}
                      for code in full_support_languages()],
        "language_names": {key[len(LANGUAGE_PREFIX):]: language_name(key[len(LANGUAGE_PREFIX):],
                                                                     lang)
                           for key in english.entries if key.startswith(LANGUAGE_PREFIX)},
        "access_labels": {label: render(f"access.{code}", lang)
                          for code, label in ACCESS_LABELS.items()},
        "contact": contact_route(lang),
    }


def static_file(name: str) -> tuple[bytes, str] | None:
    """The bytes and content type of a widget file, or None for anything not on the list."""
    if name not in STATIC_FILES:
        return None
    return (WEB_DIR / name).read_bytes(), STATIC_FILES[name]
