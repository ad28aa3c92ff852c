"""TEDPolicy with its predictions remembered by dialogue state.

TED's prediction is a pure function of the dialogue states it is given (the last
``max_history`` turns: intent, entities, slots, active form, previous action), unless it was
trained end to end on message text, which this assistant's stories are not. Conversations
repeat the same few states over and over, yet Rasa runs the TensorFlow model for every
prediction, two or three times a message: a fifth of the Rasa server's CPU under load
(README: Measured). ``CachedTEDPolicy`` keeps the last ``cache_size`` predictions keyed by
those states and runs the model only for states it has not seen; the answer is the same
(tests/assistant/test_policies.py checks it against TEDPolicy's own).
"""
from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from rasa.core.policies.policy import PolicyPrediction, SupportedData
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ACTION_TEXT, TEXT

CACHE_SIZE = 20_000


def _key(states: list) -> str:
    """A dialogue's states (dicts of names and tuples) as one comparable string."""
    return json.dumps(states, sort_keys=True, ensure_ascii=False, default=list)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITH_END_TO_END_SUPPORT, is_trainable=True)
class CachedTEDPolicy(TEDPolicy):

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**TEDPolicy.get_default_config(), "cache_size": CACHE_SIZE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._remembered: OrderedDict[str, tuple] = OrderedDict()

    def _cacheable(self) -> bool:
        """Text features make a prediction depend on the words typed, not just the states."""
        return (self.model is not None and int(self.config.get("cache_size") or 0) > 0
                and TEXT not in self.fake_features and ACTION_TEXT not in self.fake_features)

    def predict_action_probabilities(
        self, tracker: DialogueStateTracker, domain: Domain,
        rule_only_data: dict[str, Any] | None = None, precomputations: Any = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        if not self._cacheable():
            return super().predict_action_probabilities(
                tracker, domain, rule_only_data=rule_only_data,
                precomputations=precomputations, **kwargs)
        ml_only = self.supported_data() == SupportedData.ML_DATA
        # the same states TEDPolicy featurizes (Policy._featurize_for_prediction)
        states = self.featurizer.prediction_states(
            [tracker], domain, use_text_for_last_user_input=False,
            ignore_rule_only_turns=ml_only, rule_only_data=rule_only_data,
            ignore_action_unlikely_intent=ml_only)[0]
        key = _key(states)
        found = self._remembered.get(key)
        if found is None:
            prediction = super().predict_action_probabilities(
                tracker, domain, rule_only_data=rule_only_data,
                precomputations=precomputations, **kwargs)
            if prediction.optional_events:  # entities from text: not a function of states
                return prediction
            found = (tuple(prediction.probabilities), prediction.is_end_to_end_prediction,
                     prediction.diagnostic_data)
            self._remembered[key] = found
            if len(self._remembered) > int(self.config["cache_size"]):
                self._remembered.popitem(last=False)
        else:
            self._remembered.move_to_end(key)
        probabilities, end_to_end, diagnostics = found
        return self._prediction(list(probabilities), is_end_to_end_prediction=end_to_end,
                                diagnostic_data=diagnostics)
