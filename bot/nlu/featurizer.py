"""Rasa's CountVectorsFeaturizer, giving the message text only its sentence-level counts.

Our intent classifier (bot.nlu.intent_classifier) reads only each message's sentence-level
counts. Rasa's featurizer also builds a token-level matrix for every message (one vectorizer
call per message for its tokens, then another for the sentence), which nothing in our pipeline
reads: with three featurizers over the nine languages' training data, that pass took more
time in training than the classifier itself. This one computes, for the text, exactly the
sentence counts Rasa's does (the vectorizer applied to the tokens joined by spaces), for all
messages in one vectorizer call, and no token-level counts. Other attributes (intents, action
names) are featurized as Rasa does.
"""
from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.training_data.message import Message


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
