"""Categories, access features and language names."""
from __future__ import annotations

import pytest

from bot.directory.access import access_codes_from_text, access_label
from bot.directory.categories import (
    CATEGORIES,
    categories_from_text,
    category_for_esd,
    is_category,
    label,
)
from bot.directory.languages import language_code


def test_twelve_categories_with_lga_ids() -> None:
    assert len(CATEGORIES) == 12
    assert CATEGORIES["interpreting"].esd_ids == (169,)
    assert CATEGORIES["advocacy"].esd_ids == (728, 162, 645)
    assert CATEGORIES["mental_health"].esd_ids == (1284,)
    assert CATEGORIES["carers"].esd_ids == (225, 298)
    assert is_category("care_assessment") and not is_category("crisis")
    assert label("conversation_cafe") == "Conversation Cafés"


def test_esd_ids_map_to_categories() -> None:
    assert category_for_esd("298") == "carers"
    assert category_for_esd(162) == "advocacy"
    assert category_for_esd("housing") is None
    assert category_for_esd(1) is None


def test_categories_from_foreign_term_names() -> None:
    assert categories_from_text("Mental Health", "Women") == ["mental_health"]
    assert categories_from_text("Carers support", None) == ["carers"]
    assert categories_from_text("Parking permits") == []


@pytest.mark.parametrize("text, codes", [
    ("Wheelchair access is possible on all levels.", {"wheelchair"}),
    ("Step-free entrance; induction loop at reception", {"wheelchair", "hearing_loop"}),
    ("Level access and an accessible toilet", {"wheelchair", "accessible_toilet"}),
    ("Leaflets in easy read and large print. BSL on request.",
     {"easy_read", "large_print", "bsl"}),
    ("There is no step-free access.", set()),
    ("The hearing loop is not working", set()),
    ("No lift, but there is a hearing loop", {"hearing_loop"}),
    ("The building isn't wheelchair accessible", set()),
    ("", set()),
])
def test_access_keywords(text: str, codes: set[str]) -> None:
    assert access_codes_from_text(text) == codes


def test_access_labels() -> None:
    assert access_label("wheelchair") == "wheelchair access"
    assert access_label("bsl") == "BSL"
    assert access_label("easy_read") == "easy read"


@pytest.mark.parametrize("value, code", [
    ("Tamil", "ta"), ("ta", "ta"), ("TA", "ta"), ("Persian", "fa"), ("Farsi", "fa"),
    ("pt-BR", "pt"), ("Klingon", None), ("", None), (None, None),
])
def test_language_code(value: str | None, code: str | None) -> None:
    assert language_code(value) == code
