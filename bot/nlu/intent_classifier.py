"""Intent classifier for all languages at once: tf-idf + a linear model over the sparse counts
of the featurizers before it (words, and character n-grams within and across words). The
model is a linear SVM (``solver: linear_svc``) whose scores, times ``probability_scale``, go
through a softmax; ``solver: saga`` is the multinomial logistic regression used before
(README: Understanding, for the cross-validation that chose between them).

Why not DIET: with nine languages (~17,000 examples) DIET needed half an hour per training on
this 2-core machine, and scored no better on held-out messages than this linear model, which
trains in under a minute (measurements in README.md).
"""
from __future__ import annotations

import logging
from typing import Any

import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_RANKING_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.linear import LinearTextModel

logger = logging.getLogger(__name__)
MODEL_NAME = "intent_classifier"


def _features(message: Message) -> sp.csr_matrix | None:
    """The message's sentence-level sparse counts, every featurizer's side by side in the
    order they ran: what ``message.get_sparse_features(TEXT)[1]`` gives, without Rasa
    combining the (unused) token-level counts too and copying the first featurizer's
    (a tenth of the time a message took to be understood)."""
    sentence = [f.features for f in message.features
                if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE and f.is_sparse()]
    if not sentence:
        return None
    return sp.csr_matrix(sentence[0] if len(sentence) == 1 else sp.hstack(sentence))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):

    @classmethod
    def required_components(cls) -> list[type]:
        return [Featurizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"c": 30.0, "max_iter": 200, "random_seed": 2026, "ranking_length": 10,
                "solver": "saga", "probability_scale": 1.0}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: LinearTextModel | None = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> LinearIntentClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                return cls(config, model_storage, resource,
                           LinearTextModel.load(directory, MODEL_NAME))
        except (ValueError, FileNotFoundError, OSError) as error:
            logger.warning("No trained intent classifier in the model (%s): every message "
                           "will be 'not understood'", error)
            return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        rows, labels = [], []
        for example in training_data.intent_examples:
            features = _features(example)
            if example.get(INTENT) and example.get(TEXT) and features is not None:
                rows.append(features)
                labels.append(example.get(INTENT))
        if len(set(labels)) < 2:
            logger.warning("Fewer than two intents with features: intent classifier not trained")
            return self._resource
        self._model = LinearTextModel.fit(sp.vstack(rows).tocsr(), labels,
                                          c=float(self._config["c"]),
                                          max_iter=int(self._config["max_iter"]),
                                          seed=int(self._config["random_seed"]),
                                          solver=str(self._config["solver"]),
                                          scale=float(self._config["probability_scale"]))
        with self._storage.write_to(self._resource) as directory:
            self._model.save(directory, MODEL_NAME)
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self._model is None:
            return messages
        featured = [(m, f) for m in messages if (f := _features(m)) is not None
                    and f.shape[1] == self._model.idf.shape[0]]
        if not featured:
            return messages
        rankings = self._model.ranking(sp.vstack([f for _, f in featured]).tocsr(),
                                       top=int(self._config["ranking_length"]))
        for (message, _), ranking in zip(featured, rankings):
            ranked = [{"name": name, "confidence": confidence} for name, confidence in ranking]
            message.set(INTENT, ranked[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranked, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
