"""A conversation's dialogue states, worked out once per event rather than once per prediction.

Every policy asks the tracker for its past states before each prediction, and Rasa 3.6 works
them out by replaying the whole conversation (``Domain.states_for_tracker_history``): a state
per action, from the slots, latest message, previous action and active loop at that point. By
a resident's 20th message that is about 230 events, replayed for each of the three policies'
option sets before each of the message's predictions, and again at the next message.

``StatesCheckpoint`` is that replay stopped after the events seen so far, so it can go on. The
server keeps one per conversation and option set (``past_states``, bounded LRU). When the
tracker next asks, the checkpoint goes on from where it stopped if the tracker's events begin
with the very events it has consumed (each event's type, timestamp and, for a message or a
slot, the text or value: the tracker store masks personal data, so a message read back from it
can differ from the one the checkpoint saw) and the new events only add to what Rasa applies.
Anything else (a restart, a new session, a rewind, a form running again, whose earlier turns
Rasa folds away) starts again from the beginning, as Rasa does.

The loop body follows ``states_for_tracker_history`` line for line; tests compare the result
with Rasa's own on every prefix of every story and across conversations held over several
requests (tests/assistant/test_dialogue_states.py).
"""
from __future__ import annotations

import json
from collections import OrderedDict, deque
from threading import Lock
from typing import Any

# Events after which what Rasa applies is not "what it applied before, plus these":
# restarts and new sessions clear the history, rewinds remove turns, and a loop's name
# changes how every execution of that loop is folded (DialogueStateTracker.applied_events).
_NOT_APPENDED = ("Restarted", "SessionStarted", "ActionReverted", "UserUtteranceReverted",
                 "ActiveLoop", "LegacyForm")
# The replay tracker needs no event history of its own to give a state (slots, latest
# message, latest action and active loop are attributes); a short one keeps memory bounded.
_REPLAY_HISTORY = 8
CHECKPOINTS = 3000  # conversations x option sets kept per process


def _plain(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)


def _fingerprint(event: Any) -> tuple:
    """What must match for a stored event to be the one a checkpoint consumed: its type and
    timestamp, and whatever of it goes into a state (two events made in the same microsecond
    still differ here if they differ in a state)."""
    name = type(event).__name__
    if name == "UserUttered":
        return (name, event.timestamp, event.text, event.intent_name,
                event.use_text_for_featurization,
                tuple((e.get("entity"), e.get("role"), e.get("group")) for e in event.entities))
    if name == "SlotSet":
        return name, event.timestamp, event.key, _plain(event.value)
    if name in ("ActionExecuted", "ActionExecutionRejected", "FollowupAction"):
        return (name, event.timestamp, event.action_name, getattr(event, "action_text", None),
                getattr(event, "hide_rule_turn", None))
    if name == "LoopInterrupted":
        return name, event.timestamp, event.is_interrupted
    return name, event.timestamp, getattr(event, "name", None)


def _history_key(events: Any, count: int) -> int:
    return hash(tuple(_fingerprint(event) for _, event in zip(range(count), events)))


class StatesCheckpoint:
    """``states_for_tracker_history(tracker, options)`` for a tracker's first events, able to
    go on over later ones."""

    def __init__(self, tracker: Any, domain: Any, omit_unset_slots: bool,
                 ignore_rule_only_turns: bool, rule_only_data: dict | None) -> None:
        self.domain = domain
        self.omit_unset_slots = omit_unset_slots
        self.ignore_rule_only_turns = ignore_rule_only_turns
        self.rule_only_data = rule_only_data
        self.replay = tracker.init_copy()
        self.replay.events = deque(maxlen=_REPLAY_HISTORY)
        self.loop_names = {e.name for e in tracker.events
                           if type(e).__name__ in ("ActiveLoop", "LegacyForm") and e.name}
        self.states: list = []
        self.last_ml_action_sub_state = None
        self.turn_was_hidden = False
        self.consumed = 0  # of the tracker's events (not only the applied ones)
        self.key = _history_key((), 0)
        self._apply(tracker.applied_events())
        self._seen(tracker.events)

    def _seen(self, events: Any) -> None:
        self.consumed = len(events)
        self.key = _history_key(events, self.consumed)

    def goes_on(self, tracker: Any) -> bool:
        """The tracker's events start with those consumed, and Rasa applies the rest as
        they are (then ``states_for`` may go on from here)."""
        events = tracker.events
        if len(events) < self.consumed or _history_key(events, self.consumed) != self.key:
            return False
        for index in range(self.consumed, len(events)):
            event = events[index]
            name = type(event).__name__
            if name in _NOT_APPENDED or (
                    name == "ActionExecuted" and event.action_name in self.loop_names):
                return False
        return True

    def states_for(self, tracker: Any) -> list:
        """The states of ``tracker`` (which ``goes_on`` from here); the checkpoint moves on."""
        events = tracker.events
        self._apply([events[i] for i in range(self.consumed, len(events))])
        self._seen(events)
        final = self._state(self.replay, False, self._running())
        return [*self.states, final] if final is not None else list(self.states)

    def _apply(self, events: list) -> None:
        running = self._running()
        for event in events:
            if type(event).__name__ == "ActionExecuted":
                state = self._state(self.replay, event.hide_rule_turn, running)
                if state is not None:
                    self.states.append(state)
            self.replay.update(event)
        self.last_ml_action_sub_state = running["last_ml_action_sub_state"]
        self.turn_was_hidden = running["turn_was_hidden"]

    def _running(self) -> dict:
        """The loop's two variables, as they stand after the events consumed."""
        return {"last_ml_action_sub_state": self.last_ml_action_sub_state,
                "turn_was_hidden": self.turn_was_hidden}

    def _state(self, tr: Any, hide_rule_turn: bool, running: dict) -> dict | None:
        """One turn of Domain.states_for_tracker_history's loop (``running`` holds its two
        loop variables; None where Rasa skips the turn)."""
        domain = self.domain
        if self.ignore_rule_only_turns:
            if not running["turn_was_hidden"]:
                running["last_ml_action_sub_state"] = domain._get_prev_action_sub_state(tr)
            if not tr.followup_action and not tr.latest_action_name == tr.active_loop_name:
                running["turn_was_hidden"] = hide_rule_turn
            if running["turn_was_hidden"]:
                return None
        state = domain.get_active_state(tr, omit_unset_slots=self.omit_unset_slots)
        if self.ignore_rule_only_turns:
            domain._remove_rule_only_features(state, self.rule_only_data)
            if self.states:
                domain._substitute_rule_only_user_input(state, self.states[-1])
            if running["last_ml_action_sub_state"]:
                state["prev_action"] = running["last_ml_action_sub_state"]
        return domain._clean_state(state)


_checkpoints: OrderedDict = OrderedDict()
_lock = Lock()


def past_states(tracker: Any, domain: Any, omit_unset_slots: bool = False,
                ignore_rule_only_turns: bool = False,
                rule_only_data: dict | None = None) -> list:
    """``tracker.past_states(...)`` as Rasa gives it, from this conversation's checkpoint
    for these options when there is one that the tracker goes on from."""
    options = (tracker.sender_id, id(domain), omit_unset_slots, ignore_rule_only_turns,
               json.dumps(rule_only_data, sort_keys=True, default=str))
    with _lock:
        checkpoint = _checkpoints.pop(options, None)
    if checkpoint is None or checkpoint.domain is not domain or not checkpoint.goes_on(tracker):
        checkpoint = StatesCheckpoint(tracker, domain, omit_unset_slots,
                                      ignore_rule_only_turns, rule_only_data)
    states = checkpoint.states_for(tracker)
    with _lock:
        _checkpoints[options] = checkpoint
        while len(_checkpoints) > CHECKPOINTS:
            _checkpoints.popitem(last=False)
    # policies edit what they are given; a state is a dict of dicts of strings and tuples
    return [{name: dict(sub_state) for name, sub_state in state.items()} for state in states]


def forget() -> None:
    """Drop every checkpoint (tests)."""
    with _lock:
        _checkpoints.clear()
