"""Concept lexicons (bot/nlu/concepts.py, data/concepts/*.yml): every way of writing one idea
gives the same concept, and a file that cannot be used says which entry is wrong."""
import pytest
import yaml

from bot.nlu.concepts import CONCEPTS_DIR, ConceptLexicon, ConceptLexiconError, concept_lexicon
from bot.nlu.tokenizer import fold


@pytest.mark.parametrize("words", [
    # "I want an interpreter": Levantine, Egyptian, Gulf, MSA, Arabizi, with clitics
    ["بدي مترجم", "عايز مترجم", "ابغي ترجمان", "اريد مترجما", "bdi mtarjem",
     "3ayez motarjem", "محتاج حد يترجم", "bdi 7ada ytarjemli"],
])
def test_one_idea_written_many_ways_gives_one_concept(words):
    lexicon = concept_lexicon("ar")
    found = [set(lexicon.concepts(fold(text).lower().split())) for text in words]
    shared = set.intersection(*found)
    assert len(shared) >= 2, found  # "want" and "interpreter" in every one of them


@pytest.mark.parametrize("word", ["والمترجم", "للمترجم", "فبالمترجم", "elmotarjem", "wel-motarjem"])
def test_leading_clitics_are_looked_through(word):
    lexicon = concept_lexicon("ar")
    assert lexicon.concepts([word]) == lexicon.concepts(["مترجم"]) != []


def test_short_latin_remainders_are_not_stripped():
    # "wifi" is not w + "ifi"; "bank" is not b + "ank": a clitic comes off only before 4+ letters
    lexicon = ConceptLexicon.from_mapping({"internet": ["wifi"], "money": ["bank"],
                                           "inside": ["ifi"], "ant": ["ank"]})
    assert lexicon.concepts(["wifi", "bank"]) == ["internet", "money"]


def test_every_entry_is_written_as_the_tokenizer_folds_it():
    for path in sorted(CONCEPTS_DIR.glob("*.yml")):
        concepts = yaml.safe_load(path.read_text(encoding="utf-8"))["concepts"]
        unfolded = [(name, entry) for name, entries in concepts.items() for entry in entries
                    for word in str(entry).split()
                    if fold(word.rstrip("*")).lower() != word.rstrip("*")]
        assert not unfolded, f"{path.name}: {unfolded[:10]}"
        ConceptLexicon.load(path)  # and it loads: no entry in two concepts


@pytest.mark.parametrize("concepts, complaint", [
    (None, "must map names"),
    ({"Interpreter": ["مترجم"]}, "lower_snake_case"),
    ({"interpreter": []}, "no list of entries"),
    ({"interpreter": ["مترجم", " "]}, "empty entry"),
    ({"interpreter": ["مترجم*"], "translation": ["مترجم*"]}, "in both"),
    ({"a": ["sign language"], "b": ["sign  language"]}, "in both"),
])
def test_unusable_lexicons_say_what_is_wrong(concepts, complaint):
    with pytest.raises(ConceptLexiconError, match=complaint):
        ConceptLexicon.from_mapping(concepts, "test.yml")


def test_a_file_that_is_not_yaml_is_named(tmp_path):
    bad = tmp_path / "xx.yml"
    bad.write_text("concepts: [unclosed", encoding="utf-8")
    with pytest.raises(ConceptLexiconError, match="xx.yml"):
        ConceptLexicon.load(bad)


def test_phrases_match_words_in_a_row_only():
    lexicon = ConceptLexicon.from_mapping({"sign": ["sign language", "لغه الاشار*"]})
    assert lexicon.concepts(["i", "need", "sign", "language", "please"]) == ["sign"]
    assert lexicon.concepts(["language", "sign"]) == []
    assert lexicon.concepts(["بلغه", "الاشارات"]) == ["sign"]


def _scan(lexicon, words):
    """The concepts by a plain scan of every entry (what the indexed lookup must equal)."""
    from bot.nlu.concepts import _matches, forms

    found = []
    for word in words:
        for form in forms(word):
            concept = lexicon.words.get(form) or next(
                (lexicon.stems[stem] for stem in sorted(lexicon.stems, key=len, reverse=True)
                 if form.startswith(stem)), None)
            if concept:
                found.append(concept)
                break
    for phrase, concept in lexicon.phrases:
        if any(all(_matches(words[i + j], phrase[j], j == len(phrase) - 1)
                   for j in range(len(phrase))) for i in range(len(words) - len(phrase) + 1)):
            found.append(concept)
    return found


def test_the_indexed_lookup_finds_what_a_plain_scan_finds():
    from bot.nlu.examples import labelled_examples
    from bot.paths import DATA_DIR

    lexicon = concept_lexicon("ar")
    lines = [text for text, _ in labelled_examples(DATA_DIR / "nlu" / "ar.yml")][::20]
    assert len(lines) > 250
    for text in lines:
        words = [fold(word).lower() for word in text.split()]
        assert lexicon.concepts(words) == _scan(lexicon, words), text
