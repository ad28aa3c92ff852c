"""Arabic letters written several ways fold to one, and folding keeps a text's length."""
import pytest

from bot.i18n.spelling import fold_arabic_letters


@pytest.mark.parametrize("variant, plain", [
    ("أريد", "اريد"), ("إلى", "الي"), ("آذي", "اذي"), ("ٱلله", "الله"),
    ("مساعدة", "مساعده"), ("يؤذي", "يوذي"), ("رئيس", "رييس"),
])
def test_variants_fold_to_one_spelling(variant, plain):
    assert fold_arabic_letters(variant) == fold_arabic_letters(plain)


@pytest.mark.parametrize("text", ["اريد مساعده", "need help", "ترجمان", "پہلا آپ", "Pinner HA5"])
def test_other_letters_are_left_alone(text):
    assert fold_arabic_letters(text) == text.replace("آ", "ا")


def test_folding_keeps_every_offset():
    text = "أنا بدي آخر واحدة، مش الأولى؟ 👋 Harrow"
    folded = fold_arabic_letters(text)
    assert len(folded) == len(text)
    assert [c for c, f in zip(text, folded) if c != f] == ["أ", "آ", "ة", "أ", "ى"]
