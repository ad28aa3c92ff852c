"""The tokenizer folds spellings for the classifier and leaves the resident's text alone."""
import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.tokenizer import FoldingWhitespaceTokenizer, fold


@pytest.mark.parametrize("variant, plain", [
    ("أريد", "اريد"), ("إلى", "الي"), ("آخر", "اخر"),  # hamza on the alef; alef maqsura
    ("مساعدة", "مساعده"),  # taa marbuta
    ("شكـــرا", "شكرا"), ("مُتَرْجِم", "مترجم"),  # tatweel; vowel marks
    ("شكراااااا", "شكرا"), ("pleaseeee", "please"), ("merciii", "merci"),
])
def test_spelling_variants_fold_to_one(variant, plain):
    assert fold(variant) == fold(plain)


@pytest.mark.parametrize("word", ["need", "haan", "soo", "waxaan", "ترجمان", "மொழிபெயர்ப்பாளர்",
                                  "દુભાષિયા", "tłumacza", "3ayez"])
def test_ordinary_words_are_unchanged(word):
    assert fold(word) == word


def test_tokens_keep_their_text_and_offsets():
    tokenizer = FoldingWhitespaceTokenizer(FoldingWhitespaceTokenizer.get_default_config())
    text = "أريد مساعدةةة في Harrow"
    tokens = tokenizer.tokenize(Message({TEXT: text}), TEXT)
    assert [t.text for t in tokens] == ["أريد", "مساعدةةة", "في", "Harrow"]
    assert [text[t.start:t.end] for t in tokens] == [t.text for t in tokens]
    assert [t.lemma for t in tokens] == ["اريد", "مساعده", "في", "Harrow"]
