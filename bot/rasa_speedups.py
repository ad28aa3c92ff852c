"""Nine measured speed-ups of Rasa 3.6's server, installed when the assistant's channels load.

1. Rasa validates every action server response with ``jsonschema.validate``, which checks the
(constant) response schema against the JSON Schema meta-schema and builds a new validator
each time. Under load that was about a quarter of the Rasa process's CPU (py-spy, 30
residents; README "Load"). Here the validators are built once, and each event is checked
against the one alternative of the schema's ``oneOf`` for its type, where jsonschema tried
all 23 (``_valid_response``: 6% of the server's time after the first change); a valid
response is accepted as before, and an invalid one still goes through Rasa's own method, so
the error a developer sees is exactly Rasa's.

2. Rasa finds the class of every event it loads (each event of a conversation, every message)
by walking all subclasses of ``Event`` in turn: 2.5% of the server's CPU under load. Here a
type name, once found, is remembered; a name not found still goes through Rasa's own lookup.

3. Every policy (rules, memoization, TED) asks the conversation for its dialogue states before
each prediction, and Rasa works them out each time by replaying the whole conversation: 12%
of the server's CPU under load, growing with the conversation. Here each conversation keeps a
checkpoint of that replay per option set, and the next call, in this request or the next,
goes on from it over the new events only (bot.dialogue_states; anything that is not a plain
continuation starts again from the beginning, as Rasa does). Policies get copies.

4. For every message Rasa works out which graph nodes the NLU and the dialogue targets need
by walking the (constant) model graph from each target without remembering shared nodes:
6% of the server's CPU under load. Here a graph schema remembers its answer per set of
targets.

5. Rasa sends the action server the whole conversation with every call (231 events, 166 KB
of JSON by a resident's 20th message), though this project's actions read only the slots,
the latest message and, in forms, the slots set since the last action (rasa_sdk's
``slots_to_validate``). Here the tracker sent keeps the events of the last
``ACTION_EVENT_TURNS`` turns (from the resident's message before last on); slots, latest
message and active form are sent whole as before. A test keeps actions/ off older events.
Only those events are turned into JSON: the rest of the conversation is not even read.

6. A Rasa server holds about 630,000 Python objects once the model is loaded (TensorFlow's
graph, the featurizers' vocabularies), and CPython's full garbage collection walks them
all: 275 ms on the bench machine, during which no resident gets a reply. Full collections
come every so often under load, and they set the server's p95 latency. Once the model is
loaded (``after_server_start``), ``settle_loaded_model`` collects once and moves every object
then alive into the permanent generation (``gc.freeze``), which collections skip; what
conversations create afterwards is collected as before. The price: a model replaced while
the server runs (``PUT /model``, off here) leaves its cycles uncollected.

7. ``tracker.applied_events()`` (the events Rasa applies: those since the latest restart or
session, less rewound turns and a form's earlier runs) goes through the whole conversation
with several isinstance checks per event, and is asked for by the session check, the
policies and the actions several times a message: a growing cost as the conversation
lengthens. Here a tracker remembers its last answer, with how many events it was worked
out from; when it is asked again, the answer is the same if no event was added, and the
answer plus the new events if the new events are ones Rasa's loop only appends (the same
test as bot.dialogue_states: no restart, session start, rewind, loop change, or run of a
loop it has seen); anything else is worked out whole by Rasa's own method.

8. Before every action, Rasa copies the conversation (``tracker.copy()``) by replaying all
its events onto a new tracker: O(conversation) per action, and a third of what still grew
with the conversation. Replaying is a fold over the events, in order, so a replay of the
first n events goes on to n + k by applying the k new ones. Here a tracker keeps its own
replay (private, never handed out) and, at the next copy, applies to it only the events
added since, if the events it replayed are still the tracker's first ones (the same
objects); the copy handed out is ``replica(replay)``, a new tracker with its own events,
slots, latest action and active loop, sharing the (immutable in use) event objects, as a
replay does. The tracker store does the same with the conversations it keeps
(bot.tracker_store), so a tracker it reads already holds its replay.

9. The rule policy finds the rules that fit a conversation by going back through every one of
its states, keeping the rules that fit each (``RulePolicy._get_possible_keys``), and parses
each candidate rule from its JSON key again at every state. A rule shorter than the turns
already checked fits whatever came before (Rasa's own check says so), so once every
candidate left is shorter, the answer cannot change: the search stops there instead of
walking the rest of the conversation, and each rule key is parsed once per process. At the
newest state, where every rule is a candidate, only the rules asking for the conversation's
previous action (or for none) are checked: the others cannot fit it.

Rasa is pinned (3.6.21); tests check the behaviour is unchanged
(tests/assistant/test_rasa_speedups.py).
"""
from __future__ import annotations

import gc
import json
import logging
import time
from functools import lru_cache
from typing import Any

_MARK = "_harrow_compiled_validator"
logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _response_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate does on every call
    return cls(schema)


def install() -> None:
    """Every speed-up above (idempotent)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.engine.graph import GraphSchema
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

    _replace(RemoteAction, "_validate_action_result", _compiled_response_check)
    _replace(Event, "resolve_by_type", _remembered_event_types, static=True)
    _replace(DialogueStateTracker, "past_states", _checkpointed_states)
    _replace(GraphSchema, "minimal_graph_schema", _remembered_minimal_schema)
    _replace(RemoteAction, "_action_call_format", _latest_turns_only)
    _replace(DialogueStateTracker, "applied_events", _remembered_applied_events)
    _replace(DialogueStateTracker, "copy", _continued_copy)
    _replace(RulePolicy, "_get_possible_keys", _rule_search_stopping_early)
    _replace(RulePolicy, "_rule_key_to_state", _parsed_once, static=True)


def settle_loaded_model() -> None:
    """Collect once, then leave every object now alive out of later collections (once per
    process: each channel that answers residents asks)."""
    if gc.get_freeze_count():
        return
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    logger.info("Froze %d objects of the loaded model out of garbage collection (%.0f ms)",
                gc.get_freeze_count(), (time.perf_counter() - started) * 1000)


def settle_after_start(blueprint: Any) -> None:
    """Once the server has started (Rasa loads the model before): the model warmed up
    (bot.warm_up: what the first message would otherwise read and trace), then
    ``settle_loaded_model``, so what warming made stays out of collections too."""
    from bot.warm_up import warm_up

    @blueprint.listener("after_server_start")
    async def settle(app: Any, loop: Any) -> None:
        agent = getattr(getattr(app, "ctx", None), "agent", None)
        if agent is not None:
            await warm_up(agent)
        settle_loaded_model()


def _replace(owner: type, name: str, wrap: Any, static: bool = False) -> None:
    """``owner.name`` replaced by ``wrap(original)``, once; Rasa's own kept as __wrapped__."""
    original = getattr(owner, name)
    if getattr(original, _MARK, False):
        return
    replacement = wrap(original)
    setattr(replacement, _MARK, True)
    replacement.__wrapped__ = original
    setattr(owner, name, staticmethod(replacement) if static else replacement)


@lru_cache(maxsize=1)
def _event_validators() -> tuple[Any, dict[str, Any]]:
    """The response schema without the events' ``oneOf``, and a validator per event type for
    that ``oneOf``'s alternatives, by the ``event`` constant each one has (all different)."""
    import copy

    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = copy.deepcopy(RemoteAction.action_response_format_spec())
    alternatives = schema["properties"]["events"]["items"].pop("oneOf")
    by_type = {alternative["properties"]["event"]["const"]: alternative
               for alternative in alternatives}
    if len(by_type) != len(alternatives):  # a newer Rasa: no shortcut
        return None, {}
    cls = validator_for(schema)
    return cls(schema), {name: cls(alternative) for name, alternative in by_type.items()}


def _valid_response(result: Any) -> bool:
    """``result`` is valid under Rasa's schema. Each event must match exactly one of 23
    alternatives (``oneOf``), and jsonschema tries every one, building an error for each
    that fails: 6% of the server's time under load. The schema requires ``event`` to be a
    string and every alternative names one value of it, so an event that passes the rest of
    the schema can match only the alternative of its own type: that one is tried alone."""
    outer, by_type = _event_validators()
    if outer is None:
        return _response_validator().is_valid(result)
    if not outer.is_valid(result):
        return False
    for event in result.get("events") or ():
        alternative = by_type.get(event["event"])
        if alternative is None or not alternative.is_valid(event):
            return False
    return True


def _compiled_response_check(original: Any) -> Any:
    def _validate_action_result(self: Any, result: dict) -> bool:
        if _valid_response(result):
            return True
        return original(self, result)  # raises Rasa's own, explained ValidationError
    return _validate_action_result


def _remembered_event_types(original: Any) -> Any:
    found: dict[str, type] = {}

    def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
        known = found.get(type_name)
        if known is not None:
            return known
        resolved = original(type_name, default)
        if resolved is not None and resolved is not default:
            found[type_name] = resolved
        return resolved
    return resolve_by_type


def _checkpointed_states(original: Any) -> Any:
    from bot.dialogue_states import past_states as checkpointed

    def past_states(self: Any, domain: Any, omit_unset_slots: bool = False,
                    ignore_rule_only_turns: bool = False,
                    rule_only_data: dict | None = None) -> list:
        return checkpointed(self, domain, omit_unset_slots, ignore_rule_only_turns,
                            rule_only_data)
    return past_states


def _remembered_minimal_schema(original: Any) -> Any:
    def minimal_graph_schema(self: Any, targets: list[str] | None = None) -> Any:
        remembered = self.__dict__.setdefault("_harrow_minimal", {})
        # the same nodes (a schema is built once per model; if one is edited, the names say)
        key = (tuple(self.nodes), tuple(targets) if targets else None)
        if key not in remembered:
            remembered[key] = original(self, targets)
        return remembered[key]
    return minimal_graph_schema


ACTION_EVENT_TURNS = 2


def latest_turn_events(events: Any, turns: int = ACTION_EVENT_TURNS) -> list:
    """A tracker's events from the ``turns``-th last resident message on (all, if fewer),
    reading only those."""
    taken, seen = [], 0
    for event in reversed(events):
        taken.append(event)
        if event.type_name == "user":
            seen += 1
            if seen == turns:
                break
    taken.reverse()
    return taken


class _LatestTurnsTracker:
    """A tracker as ``_action_call_format`` reads it, whose state with every event holds
    the events of the latest turns only (everything else as the tracker gives it)."""

    def __init__(self, tracker: Any) -> None:
        self._tracker = tracker

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tracker, name)

    def current_state(self, event_verbosity: Any = None) -> dict:
        from rasa.shared.core.trackers import EventVerbosity

        if event_verbosity != EventVerbosity.ALL:  # not what Rasa 3.6 asks: the tracker's own
            return self._tracker.current_state(event_verbosity)
        state = self._tracker.current_state(EventVerbosity.NONE)
        state["events"] = [event.as_dict() for event in latest_turn_events(self._tracker.events)]
        return state


def _latest_turns_only(original: Any) -> Any:
    def _action_call_format(self: Any, tracker: Any, domain: Any) -> dict:
        return original(self, _LatestTurnsTracker(tracker), domain)
    return _action_call_format


_APPLIED = "_harrow_applied_events"


def _remembered_applied_events(original: Any) -> Any:
    from itertools import islice

    from bot.dialogue_states import loop_names, only_appended

    def applied_events(self: Any) -> list:
        events = self.events
        count = len(events)
        remembered = vars(self).get(_APPLIED)
        if remembered is not None and getattr(events, "maxlen", None) is None:
            seen, last, applied, loops = remembered
            if 0 < seen <= count and events[seen - 1] is last:
                if seen == count:
                    return list(applied)
                new = list(islice(reversed(events), count - seen))
                new.reverse()
                if only_appended(new, loops):
                    applied = applied + tuple(new)
                    vars(self)[_APPLIED] = (count, events[-1], applied, loops)
                    return list(applied)
        applied = original(self)
        if count and getattr(events, "maxlen", None) is None:
            vars(self)[_APPLIED] = (count, events[-1], tuple(applied), loop_names(events))
        return applied
    return applied_events


REPLAY = "_harrow_replay"


def replica(tracker: Any) -> Any:
    """A tracker in the state ``tracker`` is in, changed independently of it: its own event
    list, slots, latest action and active loop (what events change in place); events, the
    latest message and reply are shared, as a replay shares them. Of what this module
    remembers on ``tracker`` only its applied events are carried over (an immutable answer,
    used only for the very events it was worked out from). For a tracker in a replay's state (what
    ``copy`` and the store's kept replays are)."""
    import copy
    from collections import deque

    from bot.dialogue_states import _shallow_copy

    clone = copy.copy(tracker)
    remembered = vars(clone)
    for key in [key for key in remembered if key.startswith("_harrow_")]:
        if key != _APPLIED:  # that one is checked against the events it was made from
            del remembered[key]
    clone.events = deque(tracker.events, tracker._max_event_history)
    clone.slots = type(tracker.slots)(
        (name, _shallow_copy(slot)) for name, slot in tracker.slots.items())
    if tracker.latest_action is not None:
        clone.latest_action = dict(tracker.latest_action)
    if tracker.active_loop is not None:
        clone.active_loop = copy.copy(tracker.active_loop)
    latest = tracker.latest_message
    if latest is not None and latest.text is None and not any(
            event is latest for event in tracker.events):
        clone.latest_message = copy.deepcopy(latest)  # the empty one a reset made: its own
    return clone


def replay_on(replay: Any, events: Any, start: int) -> Any:
    """``replay`` (a replay of ``events[:start]``) gone on over ``events[start:]``."""
    from itertools import islice

    for event in islice(events, start, None):
        replay.update(event)
    return replay


def _continued_copy(original: Any) -> Any:
    def copy(self: Any) -> Any:
        events = self.events
        kept = vars(self).get(REPLAY)
        if kept is not None and getattr(events, "maxlen", None) is None:
            count, last, replay, owned = kept
            if 0 < count <= len(events) and events[count - 1] is last:
                if not owned:  # shared with the store: go on from a replica of it
                    replay = replica(replay)
                replay_on(replay, events, count)
                vars(self)[REPLAY] = (len(events), events[-1], replay, True)
                return replica(replay)
        copied = original(self)
        if events and getattr(events, "maxlen", None) is None:
            vars(self)[REPLAY] = (len(events), events[-1], copied, True)
            return replica(copied)
        return copied
    return copy


@lru_cache(maxsize=16384)
def _rule_states(rule_key: str) -> tuple:
    """A rule's states from its lookup key (JSON), parsed once; never edited (read-only use,
    see ``_parsed_once``)."""
    return tuple(json.loads(rule_key))


def _parsed_once(original: Any) -> Any:
    """``RulePolicy._rule_key_to_state``: a new list of the rule's states, parsed once per
    key. Rasa's two callers only read the states (``_is_rule_applicable``, and the active loop
    of a rule's last state)."""
    def _rule_key_to_state(rule_key: str) -> list:
        return list(_rule_states(rule_key))
    return _rule_key_to_state


def _rule_search_stopping_early(original: Any) -> Any:
    """``RulePolicy._get_possible_keys``: Rasa's loop over the states, newest first, keeping
    the keys whose rule fits each, stopped once every key left is of a rule no longer than
    the states already checked (for those, ``_is_rule_applicable`` is true). At the newest
    state only the rules that can fit it are checked: those whose newest state asks for the
    conversation's previous action, or for none (``_rule_index``)."""
    def _get_possible_keys(self: Any, lookup: dict, states: list) -> set:
        possible_keys = set(lookup.keys())
        by_action, longest = _rule_index(lookup)
        for index, state in enumerate(reversed(states)):
            if index >= longest:
                break
            if index == 0:
                action = (state.get("prev_action") or {}).get("action_name")
                pool = [*by_action.get(None, ()), *(by_action.get(action, ()) if action else ())]
            else:
                pool = possible_keys
            possible_keys = {key for key in pool if self._is_rule_applicable(key, index, state)}
            longest = max(map(_rule_length, possible_keys), default=0)
        return possible_keys
    return _get_possible_keys


_RULE_INDEXES: dict[int, tuple[tuple, dict, int]] = {}


def _rule_index(lookup: dict) -> tuple[dict, int]:
    """A lookup's keys grouped by the previous action their rule's newest state asks for
    (None: none, or that it is not set), and its longest rule; remembered per lookup while
    its keys stay the same. A rule asking for an action fits a state only if the state's
    previous action is that one (``RulePolicy._does_rule_match_state``)."""
    from rasa.shared.core.constants import SHOULD_NOT_BE_SET

    keys = tuple(lookup)
    remembered = _RULE_INDEXES.get(id(lookup))
    if remembered is not None and remembered[0] == keys:
        return remembered[1], remembered[2]
    by_action: dict = {}
    for key in keys:
        rule = _rule_states(key)
        asked = (rule[-1].get("prev_action") or {}).get("action_name") if rule else None
        by_action.setdefault(asked if asked and asked != SHOULD_NOT_BE_SET else None,
                             []).append(key)
    longest = max(map(_rule_length, keys), default=0)
    if len(_RULE_INDEXES) >= 16:
        _RULE_INDEXES.clear()
    _RULE_INDEXES[id(lookup)] = (keys, by_action, longest)
    return by_action, longest


def _rule_length(rule_key: str) -> int:
    return len(_rule_states(rule_key))
