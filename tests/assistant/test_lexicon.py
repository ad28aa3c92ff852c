"""Entities a resident types to narrow a list come out as canonical codes."""
import pytest

from bot.nlu.lexicon import find_entities, normalise_postcode


def values(text, entity):
    return [e.value for e in find_entities(text) if e.entity == entity]


def test_full_postcode_in_any_spacing_or_case():
    assert values("near ha12ab please", "place") == ["HA1 2AB"]
    assert values("HA3 5RX", "place") == ["HA3 5RX"]


def test_partial_postcodes():
    assert values("anything in HA2?", "place") == ["HA2"]
    assert values("I live in HA1 2", "place") == ["HA1 2"]


def test_area_names_including_hyphenated_forms():
    assert values("any in pinner?", "place") == ["Pinner"]
    assert values("near harrow on the hill", "place") == values("near Harrow-on-the-Hill",
                                                                 "place")
    assert values("near harrow on the hill", "place") != []


def test_harrow_council_is_not_a_place():
    assert values("can Harrow Council help", "place") == []


def test_languages_spoken():
    assert values("one that speaks Tamil", "spoken_language") == ["ta"]
    assert values("do any speak romanian or polish", "spoken_language") == ["ro", "pl"]


def test_access_needs():
    assert values("with wheelchair access and a hearing loop", "access") == [
        "wheelchair", "hearing_loop"]
    assert values("I need BSL", "access") == ["bsl"]
    assert values("easy read please", "access") == ["easy_read"]


def test_open_now_and_ordinals():
    assert values("which are open now", "open_now") == ["true"]
    assert values("phone for the second one", "ordinal") == ["2"]
    assert values("the last one", "ordinal") == ["-1"]


def test_nothing_found_in_plain_text():
    assert find_entities("hello there") == []


def test_normalise_postcode():
    assert normalise_postcode("ha12ab") == "HA1 2AB"
    assert normalise_postcode("ha3") == "HA3"


def test_arabizi_words_with_digits_are_not_postcodes():
    for text in ("ma3 7ad", "mu23ad", "yo23od", "ana 3ayez 7ad"):
        assert not [e for e in find_entities(text) if e.entity == "place"], text
    assert [e.value for e in find_entities("SW1A 1AA")] == ["SW1A 1AA"]


@pytest.mark.parametrize("lang", ["en", "ro", "gu", "ta", "pl", "ar", "ur", "pt", "so"])
def test_a_narrowing_buttons_label_typed_out_narrows_as_the_button_does(lang):
    """On a plain-text channel (or in the shell) residents type the button they see."""
    from bot.i18n.catalog import render

    for key, expected in (("narrow.button_open_now", ("open_now", "true")),
                          ("narrow.button_wheelchair", ("access", "wheelchair")),
                          ("narrow.button_near_town", ("place", "Harrow town centre"))):
        label = render(key, lang)
        assert [(e.entity, e.value) for e in find_entities(label)] == [expected], (lang, label)


@pytest.mark.parametrize("lang, text, day", [
    ("en", "is anything open on Saturday?", "SA"),
    ("en", "anything open at the weekend?", "SA,SU"),
    ("ro", "e ceva deschis sâmbăta?", "SA"),
    ("ro", "e deschis lunea?", "MO"),
    ("gu", "શનિવારે ખુલ્લું છે?", "SA"),
    ("gu", "shanivare khullu che?", "SA"),
    ("ta", "சனிக்கிழமை திறந்திருக்குமா?", "SA"),
    ("pl", "czy coś jest otwarte w sobotę?", "SA"),
    ("ar", "هل في شي مفتوح يوم السبت؟", "SA"),
    ("ur", "اتوار کو کھلا ہے؟", "SU"),
    ("pt", "tem alguma coisa aberta ao sábado?", "SA"),
    ("so", "ma jiraa wax furan Sabtida?", "SA"),
])
def test_a_day_of_the_week_in_every_language(lang, text, day):
    assert values(text, "open_day") == [day], lang


def test_days_that_are_also_other_words_are_not_taken_for_days():
    assert values("da segunda-feira à sexta-feira", "open_day") == ["MO", "FR"]
    # Portuguese ordinals are still ordinals, and not days
    assert [(e.entity, e.value) for e in find_entities("a segunda opção")] == [("ordinal", "2")]
    # Romanian "luni" is also "months", Urdu ہفتہ also "week": only their unambiguous forms count
    assert values("am așteptat luni de zile", "open_day") == []
    assert values("ہفتے میں ایک بار", "open_day") == []
    assert values("open today", "open_day") == [] and values("open today", "open_now") == ["true"]


@pytest.mark.parametrize("text, entity, value", [
    ("بدي حدا بيعرف لغه الإشاره", "access", "bsl"),        # the lexicon has لغة الاشارة
    ("عندكم نسخه مسموعه؟", "access", "audio"),               # the lexicon has نسخة مسموعة
    ("حدا بيحكي الانجليزيه", "spoken_language", "en"),       # and الإنجليزية
    ("شي مفتوح يوم الأثنين؟", "open_day", "MO"),
])
def test_arabic_spellings_of_a_lexicon_phrase_all_match_and_keep_what_was_typed(
        text, entity, value):
    found = [e for e in find_entities(text) if e.entity == entity]
    assert [e.value for e in found] == [value]
    # the entity is the resident's own text, at its own offsets (folding keeps the length)
    assert all(text[e.start:e.end] == e.text for e in found)
    assert all(e.text in text for e in found)


def test_no_lexicon_lists_one_phrase_twice_in_spellings_the_matcher_folds_together():
    from bot.i18n.spelling import fold_arabic_letters
    from bot.nlu.lexicon import _lexicon_files

    for raw in _lexicon_files():
        for entity, values in raw.items():
            lists = values.items() if isinstance(values, dict) else [(entity, values)]
            for value, phrases in lists:
                if not isinstance(phrases, list):
                    continue
                folded = [fold_arabic_letters(str(p)).casefold() for p in phrases]
                repeated = sorted({p for p in folded if folded.count(p) > 1})
                assert not repeated, (raw.get("language"), entity, value, repeated)
