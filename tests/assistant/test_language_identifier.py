"""The Latin-script language identifier (bot.i18n.langid): kept on disk under a name that
changes with everything it is built from, and read back exactly as trained."""
from __future__ import annotations

import numpy as np

from bot.i18n import langid

EXAMPLES = {
    "en": ["I need help with my carer", "where is the council office", "thank you so much",
           "can I get an interpreter", "my mum needs support", "is it open today"],
    "ro": ["am nevoie de ajutor", "unde este primaria", "multumesc frumos",
           "vreau un interpret", "mama are nevoie de sprijin", "este deschis azi"],
    "so": ["waxaan u baahanahay caawimaad", "xafiiska golaha xaggee", "mahadsanid aad",
           "turjumaan ma heli karaa", "hooyaday waxay u baahan tahay taageero", "ma furan yahay"],
}


def test_the_stored_identifier_is_rebuilt_when_its_settings_change(monkeypatch):
    """An identifier saved with other settings is not loaded as if it were this one."""
    before = langid.identifier_path()
    with monkeypatch.context() as patched:
        patched.setattr(langid, "MODEL_SETTINGS", {**langid.MODEL_SETTINGS, "scale": 6.0})
        assert langid.identifier_path() != before
    with monkeypatch.context() as patched:
        patched.setattr(langid, "NGRAMS", (1, 5))
        assert langid.identifier_path() != before
    assert langid.identifier_path() == before


def test_a_saved_identifier_reads_back_with_the_same_probabilities(tmp_path):
    trained = langid.LanguageIdentifier.train(EXAMPLES)
    trained.save(tmp_path / "langid.npz")
    loaded = langid.LanguageIdentifier.load(tmp_path / "langid.npz")
    for text in ("help with my carer please", "am nevoie de un interpret", "mahadsanid"):
        first, again = trained.probabilities(text), loaded.probabilities(text)
        assert first.keys() == again.keys() == set(EXAMPLES)
        assert np.allclose(list(first.values()), list(again.values()), atol=1e-6)
        assert abs(sum(first.values()) - 1) < 1e-5


def test_the_identifier_tells_the_languages_it_was_trained_on_apart():
    trained = langid.LanguageIdentifier.train(EXAMPLES)
    for expected, text in (("en", "I need an interpreter for my mum"),
                           ("ro", "am nevoie de sprijin pentru mama"),
                           ("so", "hooyaday waxay u baahan tahay turjumaan")):
        probabilities = trained.probabilities(text)
        assert max(probabilities, key=probabilities.get) == expected, (text, probabilities)


def test_marker_words_are_frequent_in_their_language_and_absent_from_the_reference():
    examples = {
        "en": ["I need help", "help with my mum", "where is the office", "wala wala"],
        "ur": ["mujhe madad chahiye", "madad chahiye ammi ko", "madad kahan milegi",
               "office kahan hai", "wala office", "wala help", "wala kahan",
               "مدد چاہیے", "مدد کریں", "مدد کہاں", "نمبر دو", "نمبر چاہیے", "نمبر کیا ہے"],
        "ar": ["بدي مساعدة", "مدد", "مدد كبير", "مدد هون"],
    }
    markers = langid.marker_words(examples)
    # in three or more Urdu lines and no English one ("chahiye" is in two; "wala" and
    # "office" are in English lines here)
    assert {"madad", "kahan"} <= markers["ur"]
    assert not markers["ur"] & {"chahiye", "wala", "office"}
    # Arabic-script words are measured against Arabic: مدد is Arabic here, نمبر is not
    assert "نمبر" in markers["ur"] and "مدد" not in markers["ur"]
    assert not markers["ar"] & {"مدد"}
    trained = langid.LanguageIdentifier.train(examples)
    assert "ur" in trained.marker_languages("Madad please")  # any case
    assert "ur" not in trained.marker_languages("help please")


def test_a_saved_identifier_keeps_its_marker_words(tmp_path):
    trained = langid.LanguageIdentifier.train(EXAMPLES)
    trained.save(tmp_path / "langid.npz")
    loaded = langid.LanguageIdentifier.load(tmp_path / "langid.npz")
    assert loaded.markers == trained.markers
