"""The whitespace tokenizer, with each token's spelling folded for the featurizers.

Residents spell the same word many ways: Arabic with or without hamza on the alef (أريد /
اريد), taa marbuta or haa at the end (مساعدة / مساعده), alef maqsura or yaa (على / علي),
vowel marks and stretched letters (شكـــرا); in every script letters typed over and over
("pleaseee", "شكراااا", "merciii"). The count featurizers read a token's lemma (Rasa's
``use_lemma``, on by default), so the folded form goes there: the classifier sees one spelling,
while the token's text, its offsets and every entity stay as the resident wrote them.
"""
from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.i18n.spelling import ARABIC_MARKS, fold_arabic_letters

REPEATED = re.compile(r"(\w)\1{2,}")  # a letter three or more times over: once


def fold(word: str) -> str:
    """The spelling the classifier sees (see the module docstring)."""
    word = fold_arabic_letters(ARABIC_MARKS.sub("", word))
    return REPEATED.sub(r"\1", word) or word


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class FoldingWhitespaceTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer whose tokens carry ``fold(text)`` as their lemma."""

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            token.lemma = fold(token.text)
        return tokens
