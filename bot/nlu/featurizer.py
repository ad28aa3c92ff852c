"""Rasa's CountVectorsFeaturizer, giving the message text only its sentence-level counts.

Our intent classifier (bot.nlu.intent_classifier) reads only each message's sentence-level
counts. Rasa's featurizer also builds a token-level matrix for every message (one vectorizer
call per message for its tokens, then another for the sentence), which nothing in our pipeline
reads: with three featurizers over the nine languages' training data, that pass took more
time in training than the classifier itself. This one computes, for the text, exactly the
sentence counts Rasa's does (the vectorizer applied to the tokens joined by spaces), for all
messages in one vectorizer call, and no token-level counts. Other attributes (intents, action
names) are featurized as Rasa does.

Also here, for messages in Arabic only: ArabicSkeletonFeaturizer (the consonant skeleton of
Arabic and Arabizi words) and ArabicConceptFeaturizer (bot.nlu.concepts).
"""
from __future__ import annotations

import json
import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.i18n.detect import written_in_arabic
from bot.i18n.spelling import consonant_skeleton
from bot.nlu.concepts import concept_lexicon

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceCountVectorsFeaturizer(CountVectorsFeaturizer):

    def process(self, messages: list[Message]) -> list[Message]:
        if self.vectorizers is None:
            return super().process(messages)  # logs that it is not trained
        for attribute in self._attributes:
            tokens = [self._get_processed_message_tokens_by_attribute(message, attribute)
                      for message in messages]
            vectorizer = self.vectorizers.get(attribute)
            if attribute in DENSE_FEATURIZABLE_ATTRIBUTES and vectorizer is not None:
                featured = [i for i, found in enumerate(tokens) if found]
                if not featured:
                    continue
                counts = vectorizer.transform([" ".join(tokens[i]) for i in featured]).tocsr()
                counts.sort_indices()
                for row, i in enumerate(featured):
                    self.add_features_to_message(None, counts[row].tocoo(), attribute,
                                                 messages[i])
                continue
            for message, found in zip(messages, tokens):
                sequence, sentence = self._create_features(attribute, [found])
                self.add_features_to_message(sequence[0], sentence[0], attribute, message)
        return messages


VOCABULARY_FILE = "vocabulary.json"
ARABIC_WORDS = "arabic_words"  # a message attribute, never in the output


def arabic_words(message: Message) -> list[str] | None:
    """The folded lower-case words of a message in Arabic (bot.i18n.detect.written_in_arabic),
    or None for a message in another language. Worked out once per message: the first Arabic
    featurizer keeps the answer on the message for the next (each call of the detector costs
    about 0.2 ms)."""
    if ARABIC_WORDS not in message.data:
        words = None
        if written_in_arabic(message.get(TEXT) or ""):
            tokens = message.get(TOKENS_NAMES[TEXT]) or ()
            words = [(token.lemma or token.text).lower() for token in tokens]
        message.set(ARABIC_WORDS, words)
    return message.get(ARABIC_WORDS)


class _ArabicFeaturizer(SparseFeaturizer, GraphComponent):
    """Sentence-level counts of a text made from each message in Arabic (``arabic_text``),
    and an empty row for every other message: the classifier's rows line up, and the other
    languages' features are as they were. Which messages are Arabic:
    bot.i18n.detect.written_in_arabic, asked the same way in training and after."""

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 name: str, vocabulary: dict[str, int] | None = None) -> None:
        super().__init__(name, {**self.get_default_config(), **config})
        self._storage = model_storage
        self._resource = resource
        self._vectorizer = self._make_vectorizer(vocabulary) if vocabulary else None

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass

    def _make_vectorizer(self, vocabulary: dict[str, int] | None = None):
        raise NotImplementedError

    def arabic_text(self, words: list[str]) -> str:
        """What is counted for a message in Arabic, from its folded lower-case words."""
        raise NotImplementedError

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> _ArabicFeaturizer:
        return cls(config, model_storage, resource, execution_context.node_name)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> _ArabicFeaturizer:
        try:
            with model_storage.read_from(resource) as directory:
                vocabulary = json.loads((directory / VOCABULARY_FILE).read_text("utf-8"))
        except (ValueError, FileNotFoundError, OSError) as error:
            logger.warning("%s: no vocabulary in the model (%s)", cls.__name__, error)
            vocabulary = None
        return cls(config, model_storage, resource, execution_context.node_name, vocabulary)

    def text_of(self, message: Message) -> str:
        """``arabic_text`` of the message's words, or "" for a message not in Arabic."""
        words = arabic_words(message)
        return self.arabic_text(words) if words is not None else ""

    def train(self, training_data: TrainingData) -> Resource:
        texts = [self.text_of(m) for m in training_data.training_examples if m.get(TEXT)]
        vectorizer = self._make_vectorizer()
        try:
            vectorizer.fit(texts)
        except ValueError:  # no Arabic in the training data: nothing to count
            return self._resource
        self._vectorizer = vectorizer
        vocabulary = {term: int(column) for term, column in vectorizer.vocabulary_.items()}
        with self._storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(
                json.dumps(vocabulary, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        if self._vectorizer is None:
            return messages
        texted = [m for m in messages if m.get(TEXT)]
        if not texted:
            return messages
        counts = self._vectorizer.transform([self.text_of(m) for m in texted]).tocsr()
        counts.sort_indices()
        for row, message in enumerate(texted):
            self.add_features_to_message(None, counts[row].tocoo(), TEXT, message)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class ArabicSkeletonFeaturizer(_ArabicFeaturizer):
    """Character n-grams (2-5) of an Arabic message's consonant skeleton
    (bot.i18n.spelling.consonant_skeleton): Arabizi and Arabic letters give the same n-grams
    ("mtarjem", "mutarjim" and "مترجم" are all "mtrjm"), so the many lines in Arabic letters
    teach the classifier the Arabizi it has seen less of, and the Arabizi vowels nobody spells
    the same way stop mattering. Given to every language in an earlier trial, the skeleton cost
    Portuguese six held-out messages (README, Understanding): hence Arabic only."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**SparseFeaturizer.get_default_config(), "min_ngram": 2, "max_ngram": 5}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if not 1 <= int(config["min_ngram"]) <= int(config["max_ngram"]):
            raise ValueError("ArabicSkeletonFeaturizer: need 1 <= min_ngram <= max_ngram")

    def _make_vectorizer(self, vocabulary: dict[str, int] | None = None):
        from sklearn.feature_extraction.text import CountVectorizer
        return CountVectorizer(analyzer="char", lowercase=False, vocabulary=vocabulary,
                               ngram_range=(int(self._config["min_ngram"]),
                                            int(self._config["max_ngram"])))

    def arabic_text(self, words: list[str]) -> str:
        return " ".join(filter(None, map(consonant_skeleton, words)))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class ArabicConceptFeaturizer(_ArabicFeaturizer):
    """The concepts of an Arabic message (bot.nlu.concepts, data/concepts/ar.yml): every
    dialect's word for "I want", "interpreter", "carer"... counted as one, so the classifier
    learns from a line in one dialect what the same line says in the others."""

    def _make_vectorizer(self, vocabulary: dict[str, int] | None = None):
        from sklearn.feature_extraction.text import CountVectorizer
        return CountVectorizer(token_pattern=r"\S+", lowercase=False, vocabulary=vocabulary)

    def arabic_text(self, words: list[str]) -> str:
        lexicon = concept_lexicon("ar")
        return " ".join(lexicon.concepts(words)) if lexicon else ""
