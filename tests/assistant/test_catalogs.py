"""Reply catalogs: every configured language has every entry, with the same placeholders."""
import re

import pytest

from bot.i18n.catalog import SOURCE_LANGUAGE, load_catalog, render
from bot.i18n.languages import configured_languages, full_support_languages
from bot.i18n.review import source_texts

FIELD = re.compile(r"{(\w+)}")
OTHER_LANGUAGES = sorted(set(full_support_languages()) - {SOURCE_LANGUAGE})


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_catalog_is_complete_with_matching_placeholders(lang):
    catalog = load_catalog(lang)
    assert catalog is not None, f"data/i18n/{lang}.yml is missing"
    missing = sorted(set(source_texts()) - set(catalog.entries))
    assert not missing, f"{lang}: missing {missing}"
    for key, source in source_texts().items():
        assert set(FIELD.findall(catalog.entries[key].text)) == set(FIELD.findall(source)), key


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_catalog_direction_matches_the_language_configuration(lang):
    assert load_catalog(lang).direction == configured_languages()[lang].direction


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_crisis_reply_keeps_the_emergency_numbers(lang):
    text = load_catalog(lang).entries["response.utter_crisis"].text
    for number in ("999", "111", "116 123"):
        assert number in text, (lang, number)


def test_every_catalog_entry_is_a_valid_template():
    from bot.i18n.review import fields_of

    for lang in full_support_languages():
        for key, entry in load_catalog(lang).entries.items():
            assert fields_of(entry.text) is not None, (lang, key)


def test_render_falls_back_to_english_for_an_unknown_language():
    assert render("ask.which_need", "xx") == render("ask.which_need", "en")
    assert load_catalog("../en") is None
