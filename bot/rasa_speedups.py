"""Five measured speed-ups of Rasa 3.6's server, installed when the assistant's channels load.

1. Rasa validates every action server response with ``jsonschema.validate``, which checks the
(constant) response schema against the JSON Schema meta-schema and builds a new validator
each time. Under load that was about a quarter of the Rasa process's CPU (py-spy, 30
residents; README "Load"). Here the validator is built once; a valid response is accepted as
before, and an invalid one still goes through Rasa's own method, so the error a developer
sees is exactly Rasa's.

2. Rasa finds the class of every event it loads (each event of a conversation, every message)
by walking all subclasses of ``Event`` in turn: 2.5% of the server's CPU under load. Here a
type name, once found, is remembered; a name not found still goes through Rasa's own lookup.

3. Every policy (rules, memoization, TED) asks the conversation for its dialogue states, and
Rasa recomputes them each time by replaying the whole conversation: 12% of the server's CPU
under load. Here a conversation remembers its states for the events it has (and the
options asked for), and hands out a copy, since policies edit what they are given (a state
is a dict of dicts of strings and tuples, so copying two levels copies it all).

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

Rasa is pinned (3.6.21); tests check the behaviour is unchanged
(tests/assistant/test_rasa_speedups.py).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

_MARK = "_harrow_compiled_validator"


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
    _install_response_check()
    _install_event_lookup()
    _install_past_states()
    _install_minimal_schema()
    _install_action_payload()


ACTION_EVENT_TURNS = 2


def latest_turns(events: list[dict], turns: int = ACTION_EVENT_TURNS) -> list[dict]:
    """The events from the ``turns``-th last resident message on (all, if fewer)."""
    seen = 0
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "user":
            seen += 1
            if seen == turns:
                return events[index:]
    return events


def _install_action_payload() -> None:
    from rasa.core.actions.action import RemoteAction

    original = RemoteAction._action_call_format
    if getattr(original, _MARK, False):
        return

    def _action_call_format(self: Any, tracker: Any, domain: Any) -> dict:
        result = original(self, tracker, domain)
        state = result.get("tracker") or {}
        if isinstance(state.get("events"), list):
            state["events"] = latest_turns(state["events"])
        return result

    setattr(_action_call_format, _MARK, True)
    _action_call_format.__wrapped__ = original
    RemoteAction._action_call_format = _action_call_format


def _install_minimal_schema() -> None:
    from rasa.engine.graph import GraphSchema

    original = GraphSchema.minimal_graph_schema
    if getattr(original, _MARK, False):
        return

    def minimal_graph_schema(self: Any, targets: list[str] | None = None) -> Any:
        remembered = self.__dict__.setdefault("_harrow_minimal", {})
        # the same nodes (a schema is built once per model; if one is edited, the names say)
        key = (tuple(self.nodes), tuple(targets) if targets else None)
        if key not in remembered:
            remembered[key] = original(self, targets)
        return remembered[key]

    setattr(minimal_graph_schema, _MARK, True)
    minimal_graph_schema.__wrapped__ = original
    GraphSchema.minimal_graph_schema = minimal_graph_schema


_STATES = "_harrow_past_states"


def _install_past_states() -> None:
    import json

    from rasa.shared.core.trackers import DialogueStateTracker

    original = DialogueStateTracker.past_states
    if getattr(original, _MARK, False):
        return

    def past_states(self: Any, domain: Any, omit_unset_slots: bool = False,
                    ignore_rule_only_turns: bool = False,
                    rule_only_data: dict | None = None) -> list:
        events = self.events
        # the same events (appended only; a new last event or a new length is a new history)
        history = (id(domain), len(events), id(events[-1]) if events else None)
        remembered = self.__dict__.get(_STATES)
        if remembered is None or remembered[0] != history:
            remembered = (history, {})
            self.__dict__[_STATES] = remembered
        options = (omit_unset_slots, ignore_rule_only_turns,
                   json.dumps(rule_only_data, sort_keys=True, default=str))
        if options not in remembered[1]:
            remembered[1][options] = original(
                self, domain, omit_unset_slots=omit_unset_slots,
                ignore_rule_only_turns=ignore_rule_only_turns, rule_only_data=rule_only_data)
        return [{name: dict(sub_state) for name, sub_state in state.items()}
                for state in remembered[1][options]]

    setattr(past_states, _MARK, True)
    past_states.__wrapped__ = original
    DialogueStateTracker.past_states = past_states


def _install_event_lookup() -> None:
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    if getattr(original, _MARK, False):
        return
    found: dict[str, type] = {}

    def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
        known = found.get(type_name)
        if known is not None:
            return known
        resolved = original(type_name, default)
        if resolved is not None and resolved is not default:
            found[type_name] = resolved
        return resolved

    setattr(resolve_by_type, _MARK, True)
    Event.resolve_by_type = staticmethod(resolve_by_type)


def _install_response_check() -> None:
    """Replace RemoteAction's response check by one with a compiled validator."""
    from rasa.core.actions.action import RemoteAction

    original = RemoteAction._validate_action_result
    if getattr(original, _MARK, False):
        return

    def _validate_action_result(self: Any, result: dict) -> bool:
        if _response_validator().is_valid(result):
            return True
        return original(self, result)  # raises Rasa's own, explained ValidationError

    setattr(_validate_action_result, _MARK, True)
    RemoteAction._validate_action_result = _validate_action_result
