"""CachedTEDPolicy answers exactly what TEDPolicy answers, and runs the model less often.

Uses the trained model's own policy and the dialogue states of every prefix of every story in
data/stories.yml (the states residents' conversations are made of).
"""
from __future__ import annotations

import numpy as np
import pytest
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.core.training_data.structures import StoryGraph

from bot.paths import REPO_ROOT
from bot.policies import CachedTEDPolicy, _key


@pytest.fixture(scope="module")
def loaded(trained_model, tmp_path_factory):
    storage, metadata = LocalModelStorage.from_model_archive(
        tmp_path_factory.mktemp("model"), trained_model)
    schema = next(node for node in metadata.predict_schema.nodes.values()
                  if node.uses is CachedTEDPolicy)
    config = {**CachedTEDPolicy.get_default_config(), **schema.config}
    policy = CachedTEDPolicy.load(config, storage, Resource(schema.resource.name),
                                  ExecutionContext(metadata.predict_schema, metadata.model_id))
    return policy, metadata.domain


@pytest.fixture(scope="module")
def trackers(loaded):
    """Every prefix of every story that ends just before the assistant acts."""
    _, domain = loaded
    steps = YAMLStoryReader(domain).read_from_file(REPO_ROOT / "data" / "stories.yml")
    stories = TrainingDataGenerator(StoryGraph(steps), domain, augmentation_factor=0,
                                    remove_duplicates=False).generate()
    found = []
    for story in stories:
        events = list(story.events)
        for end, event in enumerate(events):
            if isinstance(event, ActionExecuted) and end > 0:
                found.append(DialogueStateTracker.from_events(
                    f"story-{len(found)}", events[:end], slots=domain.slots))
    assert len(found) > 20
    return found


def test_the_model_is_trained_with_the_cache(loaded):
    policy, _ = loaded
    assert policy.model is not None and policy._cacheable()


def test_cached_predictions_equal_teds_and_the_cache_is_used(loaded, trackers):
    policy, domain = loaded
    policy._remembered.clear()
    for tracker in trackers + trackers:  # second time round every state is remembered
        cached = policy.predict_action_probabilities(tracker, domain)
        own = TEDPolicy.predict_action_probabilities(policy, tracker, domain)
        assert np.allclose(cached.probabilities, own.probabilities, atol=1e-6), tracker.sender_id
        assert cached.policy_name == own.policy_name
        assert cached.is_end_to_end_prediction == own.is_end_to_end_prediction
    assert 0 < len(policy._remembered) <= len(trackers)


def test_different_states_are_not_confused(loaded, trackers):
    policy, domain = loaded
    states = {_key(policy.featurizer.prediction_states([t], domain)[0]) for t in trackers}
    predictions = {_key(policy.featurizer.prediction_states([t], domain)[0]):
                   tuple(policy.predict_action_probabilities(t, domain).probabilities)
                   for t in trackers}
    assert len(states) == len(predictions) > 5
    assert len(set(predictions.values())) > 1


def test_the_cache_is_bounded(loaded, trackers):
    policy, domain = loaded
    policy._remembered.clear()
    size = policy.config["cache_size"]
    policy.config["cache_size"] = 3
    try:
        for tracker in trackers:
            policy.predict_action_probabilities(tracker, domain)
        assert len(policy._remembered) == 3
    finally:
        policy.config["cache_size"] = size
        policy._remembered.clear()


@pytest.fixture(scope="module")
def rule_policy(trained_model, tmp_path_factory):
    from rasa.core.policies.rule_policy import RulePolicy

    from bot.rasa_speedups import install

    install()
    storage, metadata = LocalModelStorage.from_model_archive(
        tmp_path_factory.mktemp("rules"), trained_model)
    schema = next(node for node in metadata.predict_schema.nodes.values()
                  if node.uses is RulePolicy)
    policy = RulePolicy.load({**RulePolicy.get_default_config(), **schema.config}, storage,
                             Resource(schema.resource.name),
                             ExecutionContext(metadata.predict_schema, metadata.model_id))
    return policy, metadata.domain


def _long_conversations(domain) -> list:
    """Conversations far longer than any rule: 15 needs, each answered, then a question."""
    from rasa.shared.core.events import SessionStarted, SlotSet, UserUttered

    events = [ActionExecuted("action_session_start"), SessionStarted(),
              ActionExecuted("action_listen")]
    for turn in range(15):
        events += [UserUttered(f"carers {turn}", {"name": "need_carers", "confidence": 1.0}),
                   SlotSet("category", "carers"), ActionExecuted("action_find_services"),
                   ActionExecuted("action_listen")]
    events.append(UserUttered("thanks", {"name": "thank", "confidence": 1.0}))
    return [DialogueStateTracker.from_events("long", events[:end], slots=domain.slots)
            for end in range(len(events) - 12, len(events) + 1)]


def test_the_rule_search_stopping_early_finds_rasas_rules(rule_policy, trackers):
    """For the states of every story prefix and of long conversations, by text and by intent:
    the same rules as Rasa's search through every state, in both of the policy's lookups;
    and the policy's prediction is unchanged."""
    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy

    from bot.rasa_speedups import _rule_length

    policy, domain = rule_policy
    search = RulePolicy._get_possible_keys
    assert search.__wrapped__ is not search  # the speed-up is installed
    found = checked = stopped = 0
    for tracker in [*trackers, *_long_conversations(domain)]:
        for by_text in (True, False):
            states = policy._prediction_states(tracker, domain, by_text,
                                               rule_only_data=policy._get_rule_only_data())
            for lookup in (policy.lookup[RULES], policy.lookup[RULES_FOR_LOOP_UNHAPPY_PATH]):
                ours = search(policy, lookup, states)
                assert ours == search.__wrapped__(policy, lookup, states), tracker.sender_id
                found += bool(ours)
                checked += 1
                stopped += len(states) > max(map(_rule_length, lookup), default=0)
    assert found > 50 and checked == 4 * (len(trackers) + 13)
    assert stopped > 20  # conversations longer than every rule: where the search stops early


def test_the_rule_search_stopping_early_checks_each_rules_oldest_state(rule_policy):
    """Every rule's own states, as they are, after a conversation start, with the oldest
    state another action's (whether the rule fits hangs on its oldest state, the last one the
    search checks before it stops), and with the newest state's previous action another (the
    rules checked at the newest state are chosen by it)."""
    import json

    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy

    policy, _ = rule_policy
    search = RulePolicy._get_possible_keys
    differed = 0
    for lookup in (policy.lookup[RULES], policy.lookup[RULES_FOR_LOOP_UNHAPPY_PATH]):
        for key in lookup:
            states = json.loads(key)
            other = [{"prev_action": {"action_name": "action_not_in_any_rule"}}, *states[1:]]
            newest = [{**state, "prev_action": {"action_name": action}}
                      for action in ("action_listen", "action_not_in_any_rule")
                      for state in states[-1:]]
            for variant in (states, [{}, *states], other, [{}, *other],
                            *([*states[:-1], state] for state in newest)):
                ours = search(policy, lookup, variant)
                assert ours == search.__wrapped__(policy, lookup, variant), key
                differed += key not in ours
    assert differed > 20


def test_the_rule_search_keeps_rules_that_ask_for_no_previous_action(rule_policy):
    """Rules whose newest state asks for no previous action (a conversation start, an empty
    rule, an action that must not be set) are candidates at every newest state: none is in
    this model, so a lookup of them, against states with and without a previous action."""
    import json

    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.shared.core.constants import SHOULD_NOT_BE_SET

    policy, _ = rule_policy
    search = RulePolicy._get_possible_keys
    greet = {"user": {"intent": "greet"}}
    listened = {"prev_action": {"action_name": "action_listen"}, **greet}
    rules = [[greet], [], [{"prev_action": {"action_name": SHOULD_NOT_BE_SET}, **greet}],
             [listened], [{"prev_action": {"action_text": "hello"}, **greet}], [{}, listened]]
    lookup = {json.dumps(rule): "utter_greet" for rule in rules}
    for states in ([greet], [listened], [{"prev_action": {"action_text": "hello"}, **greet}],
                   [], [{}, listened], [{"prev_action": {"action_name": "utter_greet"}}]):
        ours = search(policy, lookup, states)
        assert ours == search.__wrapped__(policy, lookup, states), states
