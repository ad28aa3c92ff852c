"""A conversation's dialogue states, worked out once per event rather than once per prediction.

Every policy asks the tracker for its past states before each prediction, and Rasa 3.6 works
them out by replaying the whole conversation (``Domain.states_for_tracker_history``): a state
per action, from the slots, latest message, previous action and active loop at that point. By
a resident's 20th message that is about 230 events, replayed for each of the three policies'
option sets before each of the message's predictions, and again at the next message.

``StatesCheckpoint`` is that replay stopped before the conversation's latest message, so it
can go on (the latest message and what follows it are replayed on a copy at each call). The
server keeps one per conversation and option set (``past_states``, bounded LRU). When the
tracker next asks, the checkpoint goes on from where it stopped if the tracker's events begin
with the very events it has consumed (compared by a hash of each event's type, timestamp and
what of it goes into a state; the tracker store masks personal data, so a message read back
from it can differ from the one the checkpoint saw) and the new events only add to what Rasa
applies. Anything else (a restart, a new session, a rewind, a form running again, whose
earlier turns Rasa folds away) starts again from the beginning, as Rasa does. Conversations
under ``MIN_EVENTS`` events, and trackers policies make of a conversation's last turns, are
replayed whole and leave the conversation's checkpoint alone.

The loop body follows ``states_for_tracker_history`` line for line; tests compare the result
with Rasa's own on every prefix of every story and across conversations held over several
requests (tests/assistant/test_dialogue_states.py).
"""
from __future__ import annotations

import copy
import copyreg
import json
from collections import OrderedDict, deque
from itertools import islice
from threading import Lock
from typing import Any

from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    FollowupAction,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)

# Events after which what Rasa applies is not "what it applied before, plus these":
# restarts and new sessions clear the history, rewinds remove turns, and a loop's name
# changes how every execution of that loop is folded (DialogueStateTracker.applied_events).
# (Classes, not names: Rasa's own checks are isinstance, and rasa.core.test makes subclasses.)
_NOT_APPENDED = (Restarted, SessionStarted, ActionReverted, UserUtteranceReverted, ActiveLoop)

# The replay tracker needs no event history of its own to give a state (slots, latest
# message, latest action and active loop are attributes); a short one keeps memory bounded.
_REPLAY_HISTORY = 8
CHECKPOINTS = 3000  # conversations x option sets kept per process
# Below this many events a whole replay costs less than keeping a checkpoint (and the
# trackers policies make of a conversation's last few turns stay out of the store).
MIN_EVENTS = 40


def loop_names(events: Any) -> set:
    """Names of the loops (forms) the events activate: Rasa folds their earlier runs away."""
    return {event.name for event in events if isinstance(event, ActiveLoop) and event.name}


def only_appended(events: Any, loops: set) -> bool:
    """Rasa applies these events, following those before them, as they are: no restart,
    session, rewind or loop change among them, and no run of a loop in ``loops``."""
    return not any(isinstance(event, _NOT_APPENDED) or (
        isinstance(event, ActionExecuted) and event.action_name in loops) for event in events)


def _plain(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)


_REMEMBERED = "_harrow_fingerprint"


def _fingerprint(event: Any) -> tuple:
    """What must match for a stored event to be the one a checkpoint consumed: its type and
    timestamp, and whatever of it goes into a state (two events made in the same microsecond
    still differ here if they differ in a state).

    The tracker store keeps a conversation's events between messages (bot.tracker_store),
    so the same event objects are fingerprinted at every message: an event remembers its
    fingerprint, used while its timestamp is unchanged (Rasa restamps events it logs). Not
    a resident's message, which Rasa edits in place while it is the latest (featurization,
    entities), nor a slot set to a list or dict, which could be edited in place."""
    remembered = getattr(event, "__dict__", {}).get(_REMEMBERED)
    if remembered is not None and remembered[1] == event.timestamp:
        return remembered
    found = _worked_out(event)
    if not isinstance(event, UserUttered) and (
            not isinstance(event, SlotSet) or found[3] is event.value):
        vars(event)[_REMEMBERED] = found
    return found


def _worked_out(event: Any) -> tuple:
    name = type(event).__name__
    if isinstance(event, UserUttered):
        return (name, event.timestamp, event.text, event.intent_name,
                event.use_text_for_featurization,
                tuple((e.get("entity"), e.get("role"), e.get("group")) for e in event.entities))
    if isinstance(event, SlotSet):
        return name, event.timestamp, event.key, _plain(event.value)
    if isinstance(event, (ActionExecuted, ActionExecutionRejected, FollowupAction)):
        return (name, event.timestamp, event.action_name, getattr(event, "action_text", None),
                getattr(event, "hide_rule_turn", None))
    if isinstance(event, LoopInterrupted):
        return name, event.timestamp, event.is_interrupted
    return name, event.timestamp, getattr(event, "name", None)


_KEYS = "_harrow_history_keys"


def _history_key(tracker: Any, count: int) -> int:
    """A hash of the fingerprints of the tracker's first ``count`` events, worked out once
    per tracker object: the policies ask several times per message, for the same tracker.
    A tracker only ever appends events, and Rasa edits only the message it holds as
    ``latest_message`` (its featurization, entities), so the key stays right while that
    message is not among the events hashed; otherwise, and for a tracker that drops its
    oldest events (``max_event_history``), it is worked out anew every time. Whether it is
    among them is looked up once per latest message (the key is kept with the message it
    was worked out under), not at every ask."""
    events, latest = tracker.events, getattr(tracker, "latest_message", None)
    keys = vars(tracker).setdefault(_KEYS, {})
    remembered = keys.get(count)
    if remembered is not None and remembered[1] is latest:
        return remembered[0]  # the latest message was not among them, and is the same
    if getattr(events, "maxlen", None) is not None \
            or any(event is latest for event in islice(events, count)):
        return hash(tuple(_event_hash(event) for event in islice(events, count)))
    keys[count] = (hash(tuple(_event_hash(event) for event in islice(events, count))), latest)
    return keys[count][0]


_HASHED = "_harrow_fingerprint_hash"


def _event_hash(event: Any) -> int:
    """The hash of an event's fingerprint, remembered with a remembered fingerprint (a
    tuple's hash is worked out anew each time it is asked for)."""
    found = _fingerprint(event)
    remembered = getattr(event, "__dict__", {}).get(_HASHED)
    if remembered is not None and remembered[0] is found:
        return remembered[1]
    hashed = hash(found)
    if vars(event).get(_REMEMBERED) is found:
        vars(event)[_HASHED] = (found, hashed)
    return hashed


def _frozen(state: dict) -> tuple:
    """A state as a tuple of (name, key, value, key, value...) tuples of strings, numbers and
    tuples, which the garbage collector stops tracking (a level per full collection). Kept
    as dicts, every state stayed at least one object for each full collection to walk, in
    every checkpoint kept: under paced load, full collections grew from a few milliseconds
    to over 100 ms as runs went on, and no resident gets a reply during one."""
    return tuple((name, *(item for pair in sub_state.items() for item in pair))
                 for name, sub_state in state.items())


def _thawed(state: tuple | dict) -> dict:
    """A state as Rasa gives it (a dict of dicts), new each time: policies edit theirs."""
    if isinstance(state, dict):
        return {name: dict(sub_state) for name, sub_state in state.items()}
    return {sub[0]: dict(zip(sub[1::2], sub[2::2])) for sub in state}


def _featurization_marks(events: list) -> tuple:
    """Whether each message among ``events`` is read by text or by intent: Rasa marks that
    on the message object itself (DefinePrevUserUtteredFeaturization, applied to any tracker
    sharing the object), and it changes the message's state."""
    return tuple(event.use_text_for_featurization for event in events
                 if isinstance(event, UserUttered))


def _newest(events: Any) -> float:
    return events[-1].timestamp if events else 0.0


def _latest_message_index(events: Any, start: int = 0) -> int:
    """Where the latest resident message is among ``events[start:]`` (``len(events)`` if
    there is none)."""
    for index in range(len(events) - 1, start - 1, -1):
        if isinstance(events[index], UserUttered):
            return index
    return len(events)


def _shallow_copy(value: Any) -> Any:
    """``copy.copy`` of a plain object (a Rasa slot) without the pickle protocol's detour:
    a new instance of its class given the same attributes, which is what copy.copy does for
    a class that changes nothing of how it is copied. Some forty slots are copied at every
    call, and copy.copy was most of the cost of ``_clone``."""
    cls = type(value)
    plain = _PLAIN_CLASSES.get(cls)
    if plain is None:
        plain = _PLAIN_CLASSES[cls] = (
            hasattr(value, "__dict__") and not copyreg._slotnames(cls)
            and cls not in copyreg.dispatch_table
            # a subclass of dict, list... has items copy.copy copies too
            and all(base is object or base.__module__ != "builtins" for base in cls.__mro__)
            and all(getattr(cls, name, None) is getattr(object, name, None)
                    for name in _COPY_HOOKS)
            and cls.__reduce_ex__ is object.__reduce_ex__ and cls.__reduce__ is object.__reduce__)
    if not plain:
        return copy.copy(value)
    clone = cls.__new__(cls)
    clone.__dict__.update(value.__dict__)
    return clone


_COPY_HOOKS = ("__copy__", "__getstate__", "__setstate__", "__getnewargs__",
               "__getnewargs_ex__")
_PLAIN_CLASSES: dict[type, bool] = {}


def _clone(tracker: Any) -> Any:
    """A copy of a replay tracker that can go on without changing it: its slots, active loop
    and latest action are changed in place by events; the rest is replaced, not changed."""
    clone = copy.copy(tracker)
    clone.slots = type(tracker.slots)(
        (name, _shallow_copy(slot)) for name, slot in tracker.slots.items())
    clone.events = deque(tracker.events, maxlen=_REPLAY_HISTORY)
    if tracker.active_loop is not None:
        clone.active_loop = copy.copy(tracker.active_loop)
    if tracker.latest_action is not None:
        clone.latest_action = dict(tracker.latest_action)
    return clone


class StatesCheckpoint:
    """``states_for_tracker_history(tracker, options)`` stopped before the tracker's latest
    message, able to go on over later events.

    It stops there because the latest message is not final until the resident's next
    message: once a policy's prediction is taken, Rasa marks on the message itself whether
    it is read by intent or by text (DefinePrevUserUtteredFeaturization), which changes the
    states from that message on. So each call replays from the latest message, on a copy."""

    def __init__(self, tracker: Any, domain: Any, omit_unset_slots: bool,
                 ignore_rule_only_turns: bool, rule_only_data: dict | None) -> None:
        self.domain = domain
        self.omit_unset_slots = omit_unset_slots
        self.ignore_rule_only_turns = ignore_rule_only_turns
        self.rule_only_data = rule_only_data
        self.replay = tracker.init_copy()
        self.replay.events = deque(maxlen=_REPLAY_HISTORY)
        self.loop_names = loop_names(tracker.events)
        self.states: list = []
        self.last_ml_action_sub_state = None
        self.turn_was_hidden = False
        applied = tracker.applied_events()
        split = _latest_message_index(applied)
        # Rasa only ever removes events from the end of what it applies, so the events
        # before the latest message it applies are what it applied of the tracker's events
        # before that message.
        events = tracker.events
        self.consumed = len(events) if split == len(applied) else next(
            index for index in range(len(events) - 1, -1, -1) if events[index] is applied[split])
        self._apply(applied[:split])
        self.key = _history_key(tracker, self.consumed)
        self._pending = applied[split:]  # the rest of the tracker it was made from
        self.seen = len(events)  # events of the longest tracker it has given states for
        self.newest = _newest(events)  # and the time of the newest event among them
        # The last answer, with the events after the checkpoint it was worked out from (kept,
        # so compared by identity) and their messages' featurization marks: the rule
        # policy asks twice per prediction, memoization and TED with the same options, all
        # for the same tracker. The caller copies what it hands out.
        self._served: tuple[list, tuple, list] | None = None

    def goes_on(self, tracker: Any) -> bool:
        """The tracker's events start with those consumed, and Rasa applies the rest as
        they are (then ``states_for`` may go on from here)."""
        events = tracker.events
        if len(events) < self.consumed or _history_key(tracker, self.consumed) != self.key:
            return False
        return only_appended((events[index] for index in range(self.consumed, len(events))),
                             self.loop_names)

    def states_for(self, tracker: Any) -> list:
        """The states of ``tracker``: the one the checkpoint was made from, or one that
        ``goes_on`` from here (the checkpoint moves on to its latest message)."""
        events = tracker.events
        self.seen = max(self.seen, len(events))
        self.newest = max(self.newest, _newest(events))
        if self._pending is not None:
            rest, self._pending = self._pending, None
        else:
            latest = _latest_message_index(events, self.consumed)
            if latest < len(events):
                self._apply([events[i] for i in range(self.consumed, latest)])
                self.consumed = latest
                self.key = _history_key(tracker, latest)
            rest = [events[i] for i in range(self.consumed, len(events))]
        served = self._served
        marks = _featurization_marks(rest)
        if served is not None and len(served[0]) == len(rest) and served[1] == marks \
                and all(old is new for old, new in zip(served[0], rest)):
            return served[2]
        states = self._with(rest)
        self._served = (rest, marks, states)
        return states

    def _with(self, rest: list) -> list:
        """The states consumed, then those of ``rest`` replayed on a copy."""
        states = list(self.states)
        replay, running = _clone(self.replay), self._running()
        self._replay(replay, rest, running, states)
        final = self._state(replay, False, running, states)
        return [*states, final] if final is not None else states

    def _apply(self, events: list) -> None:
        running, kept = self._running(), len(self.states)
        self._replay(self.replay, events, running, self.states)
        self.states[kept:] = [_frozen(state) for state in self.states[kept:]]
        self.last_ml_action_sub_state = running["last_ml_action_sub_state"]
        self.turn_was_hidden = running["turn_was_hidden"]

    def _replay(self, replay: Any, events: list, running: dict, states: list) -> None:
        for event in events:
            if isinstance(event, ActionExecuted):
                state = self._state(replay, event.hide_rule_turn, running, states)
                if state is not None:
                    states.append(state)
            replay.update(event)

    def _running(self) -> dict:
        """The loop's two variables, as they stand after the events consumed."""
        return {"last_ml_action_sub_state": self.last_ml_action_sub_state,
                "turn_was_hidden": self.turn_was_hidden}

    def _state(self, tr: Any, hide_rule_turn: bool, running: dict,
               states: list) -> dict | None:
        """One turn of Domain.states_for_tracker_history's loop (``running`` holds its two
        loop variables, ``states`` those so far; None where Rasa skips the turn)."""
        domain = self.domain
        if self.ignore_rule_only_turns:
            if not running["turn_was_hidden"]:
                running["last_ml_action_sub_state"] = domain._get_prev_action_sub_state(tr)
            if not tr.followup_action and tr.latest_action_name != tr.active_loop_name:
                running["turn_was_hidden"] = hide_rule_turn
            if running["turn_was_hidden"]:
                return None
        state = domain.get_active_state(tr, omit_unset_slots=self.omit_unset_slots)
        if self.ignore_rule_only_turns:
            domain._remove_rule_only_features(state, self.rule_only_data)
            if states:
                domain._substitute_rule_only_user_input(state, _thawed(states[-1]))
            if running["last_ml_action_sub_state"]:
                state["prev_action"] = running["last_ml_action_sub_state"]
        return domain._clean_state(state)


_checkpoints: OrderedDict = OrderedDict()
_lock = Lock()


def past_states(tracker: Any, domain: Any, omit_unset_slots: bool = False,
                ignore_rule_only_turns: bool = False,
                rule_only_data: dict | None = None) -> list:
    """``tracker.past_states(...)`` as Rasa gives it, from this conversation's checkpoint
    for these options when there is one that the tracker goes on from.

    Policies also ask for the states of short trackers of their own making, under the same
    conversation id (memoization's last few turns): those neither use nor replace the
    conversation's checkpoint, and neither does any tracker shorter than the longest it has
    served, unless it has newer events (a new session: the store loads only the latest)."""
    def replayed_whole() -> StatesCheckpoint:
        return StatesCheckpoint(tracker, domain, omit_unset_slots, ignore_rule_only_turns,
                                rule_only_data)

    if len(tracker.events) < MIN_EVENTS:
        return _copies(replayed_whole().states_for(tracker))
    options = (tracker.sender_id, id(domain), omit_unset_slots, ignore_rule_only_turns,
               json.dumps(rule_only_data, sort_keys=True, default=str))
    with _lock:
        checkpoint = _checkpoints.get(options)
    if checkpoint is None or checkpoint.domain is not domain or not checkpoint.goes_on(tracker):
        fresh = replayed_whole()
        if checkpoint is not None and len(tracker.events) < checkpoint.seen \
                and _newest(tracker.events) <= checkpoint.newest:
            # a side tracker (not a new session): the checkpoint stays for the conversation
            return _copies(fresh.states_for(tracker))
        checkpoint = fresh
    states = checkpoint.states_for(tracker)
    with _lock:
        _checkpoints[options] = checkpoint
        _checkpoints.move_to_end(options)
        while len(_checkpoints) > CHECKPOINTS:
            _checkpoints.popitem(last=False)
    return _copies(states)


def _copies(states: list) -> list:
    """Policies edit what they are given; a state is a dict of dicts of strings and tuples
    (kept states are frozen)."""
    return [_thawed(state) for state in states]


def forget() -> None:
    """Drop every checkpoint (tests)."""
    with _lock:
        _checkpoints.clear()
