"""One measured speed-up of Rasa 3.6's server, installed when the assistant's channels load.

Rasa validates every action server response with ``jsonschema.validate``, which checks the
(constant) response schema against the JSON Schema meta-schema and builds a new validator
each time. Under load that was about a quarter of the Rasa process's CPU (py-spy, 30
residents; README "Load"). Here the validator is built once; a valid response is accepted as
before, and an invalid one still goes through Rasa's own method, so the error a developer
sees is exactly Rasa's. Rasa is pinned (3.6.21); a test checks the behaviour is unchanged.
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
    """Replace RemoteAction's response check by one with a compiled validator (idempotent)."""
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
