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


# The consonant skeleton (bot.i18n.spelling.consonant_skeleton): one form for a word in
# Arabic letters and in Arabizi, whatever vowels the resident typed.
@pytest.mark.parametrize("spellings", [
    ("مترجم", "mtarjem", "motarjem", "mutarjim", "mtrjm"),
    ("عايز", "3ayez", "3ayz", "3aiz"),
    ("شكرا", "shokra", "chokra"),
    ("خدمات", "5edmat", "khadamaat"),
    ("محتاج", "m7taj", "mo7taag"),
    ("قلبي", "9albi", "qalbi"),
])
def test_arabic_and_arabizi_spellings_share_a_skeleton(spellings):
    from bot.i18n.spelling import consonant_skeleton
    skeletons = {consonant_skeleton(word) for word in spellings}
    assert len(skeletons) == 1 and "" not in skeletons, skeletons


@pytest.mark.parametrize("word, skeleton", [
    ("2020", ""), ("👋", ""), ("ગુજરાતી", ""), ("council", "knkl"), ("مساعده", "ms3dh"),
    ("mosa3ada", "ms3d"), ("shoosh", "S"),
])
def test_skeleton_of_other_words(word, skeleton):
    from bot.i18n.spelling import consonant_skeleton
    assert consonant_skeleton(word) == skeleton
