"""Two measured speed-ups of Rasa 3.6's server, installed when the assistant's channels load.

1. Rasa validates every action server response with ``jsonschema.validate``, which checks the
(constant) response schema against the JSON Schema meta-schema and builds a new validator
each time. Under load that was about a quarter of the Rasa process's CPU (py-spy, 30
residents; README "Load"). Here the validator is built once; a valid response is accepted as
before, and an invalid one still goes through Rasa's own method, so the error a developer
sees is exactly Rasa's.

2. Rasa finds the class of every event it loads (each event of a conversation, every message)
by walking all subclasses of ``Event`` in turn: 2.5% of the server's CPU under load. Here a
type name, once found, is remembered; a name not found still goes through Rasa's own lookup.

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
    """Both speed-ups (idempotent)."""
    _install_response_check()
    _install_event_lookup()


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
