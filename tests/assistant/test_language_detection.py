"""Which language a resident writes in, and which language the reply comes in."""
import pytest

from bot.i18n.detect import choose_reply_language, detect_language, explicit_language


@pytest.mark.parametrize("text, code", [
    ("મને દુભાષિયાની જરૂર છે", "gu"),
    ("எனக்கு மொழிபெயர்ப்பாளர் வேண்டும்", "ta"),
    ("أحتاج إلى مترجم لأمي", "ar"),
    ("مجھے اپنی والدہ کے لیے ترجمان چاہیے", "ur"),
    ("am nevoie de un interpret pentru mama mea", "ro"),
    ("potrzebuję tłumacza dla mojej mamy", "pl"),
    ("preciso de um intérprete para a minha mãe", "pt"),
    ("waxaan u baahanahay turjumaan hooyaday", "so"),
    ("I need an interpreter for my mother", "en"),
])
def test_detects_each_full_support_language(text, code):
    assert detect_language(text).language == code


def test_nothing_to_detect():
    assert detect_language("") is None
    assert detect_language("   ") is None
    assert detect_language("12345 !!!") is None


def test_explicit_choice_wins_and_is_validated():
    assert choose_reply_language("en", "hello there my friend", {"language": "ro"}) == "ro"
    assert explicit_language({"language": "../../etc"}) is None
    assert explicit_language({"language": 7}) is None
    assert explicit_language(None) is None


def test_short_messages_keep_the_current_language():
    assert choose_reply_language("ro", "ok") == "ro"
    assert choose_reply_language("ro", "yes please") == "ro"
    assert choose_reply_language("pl", "1") == "pl"


def test_a_confident_longer_message_switches_to_a_trained_language(monkeypatch):
    from bot.i18n import detect

    monkeypatch.setattr(detect, "trained_languages", lambda: ["en", "ro"])
    assert choose_reply_language("en", "am nevoie de ajutor pentru mama mea") == "ro"
    assert choose_reply_language("ro", "I need help for my mother please") == "ro", \
        "back to English by explicit choice only, for now"
    assert choose_reply_language("ro", "I need help", {"language": "en"}) == "en"


def test_unknown_current_language_falls_back_to_english():
    assert choose_reply_language("xx", "ok") == "en"


def test_no_switch_to_a_language_the_assistant_does_not_understand_yet(monkeypatch):
    from bot.i18n import detect

    monkeypatch.setattr(detect, "trained_languages", lambda: ["en"])
    assert choose_reply_language("en", "am nevoie de ajutor pentru mama mea") == "en"
    assert choose_reply_language("en", "salut", {"language": "ro"}) == "ro"
