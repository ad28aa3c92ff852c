"""The compiled action-response check accepts and refuses exactly what Rasa's own does."""
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.rasa_speedups import _response_validator, install

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "category", "value": "carers"},
                {"event": "active_loop", "name": None}],
     "responses": [{"text": "hi", "buttons": [], "custom": {"type": "text"}}]},
    {},
]
INVALID = [
    {"events": [{"event": "slot", "name": 3}]},
    {"events": "nope"},
    {"responses": [1, 2]},
    {"events": [{"event": "no_such_event"}]},
]


@pytest.fixture(scope="module")
def action():
    install()
    install()  # idempotent
    return RemoteAction.__new__(RemoteAction)  # the check uses no instance state


@pytest.mark.parametrize("result", VALID)
def test_valid_responses_pass(action, result):
    assert action._validate_action_result(result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_responses_raise_rasas_own_error(action, result):
    assert not _response_validator().is_valid(result)
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(result)


def test_event_types_resolve_as_rasas_own_lookup():
    from rasa.shared.core.events import Event, SlotSet, UserUttered
    from rasa.shared.utils.common import all_subclasses

    install()
    for cls in all_subclasses(Event):
        if cls.type_name:
            first = next(c for c in all_subclasses(Event) if c.type_name == cls.type_name)
            assert Event.resolve_by_type(cls.type_name) is first
            assert Event.resolve_by_type(cls.type_name) is first  # remembered
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("slot", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet  # not remembered


def test_remembered_dialogue_states_equal_rasas_and_follow_new_events():
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.paths import REPO_ROOT

    install()
    domain = Domain.load(REPO_ROOT / "domain.yml")
    patched = DialogueStateTracker.past_states
    original = patched.__wrapped__  # Rasa's own
    assert original is not patched and original.__qualname__ == "DialogueStateTracker.past_states"
    tracker = DialogueStateTracker.from_events("s", [ActionExecuted("action_listen")],
                                               slots=domain.slots)
    rule_only = {"slots": ["listed_services"], "active_loops": ["callback_form"]}
    options = [{}, {"omit_unset_slots": True}, {"ignore_rule_only_turns": True,
                                                "rule_only_data": rule_only}]
    for event in [UserUttered("hi", {"name": "greet", "confidence": 1.0}),
                  ActionExecuted("utter_greet"), ActionExecuted("action_listen"),
                  UserUttered("carers", {"name": "need_carers", "confidence": 1.0}),
                  SlotSet("category", "carers"), ActionExecuted("action_find_services")]:
        tracker.update(event)
        for option in options:
            first = tracker.past_states(domain, **option)
            assert first == original(tracker, domain, **option)
            first[-1].clear()  # a policy editing what it was given changes nothing
            assert tracker.past_states(domain, **option) == original(tracker, domain, **option)
    assert tracker.past_states(domain)[-1]["prev_action"] == {
        "action_name": "action_find_services"}


def test_minimal_graph_schemas_equal_rasas_own(trained_model, tmp_path):
    from rasa.engine.graph import GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    install()
    _, metadata = LocalModelStorage.from_model_archive(tmp_path, trained_model)
    original = GraphSchema.minimal_graph_schema.__wrapped__
    schema = metadata.predict_schema
    # as the processor asks: the NLU target alone, the dialogue target, both, and others
    targets = [[metadata.nlu_target], [metadata.core_target],
               [metadata.core_target, metadata.nlu_target],
               [name for name in schema.nodes if "Linear" in name or "Crisis" in name]]
    for chosen in targets * 2:  # the second time from memory
        assert schema.minimal_graph_schema(chosen).nodes == original(schema, chosen).nodes
    smaller = GraphSchema(dict(list(schema.nodes.items())[:3]))
    assert smaller.minimal_graph_schema().nodes == original(smaller).nodes
    assert len(schema.minimal_graph_schema([metadata.nlu_target]).nodes) < len(
        schema.minimal_graph_schema([metadata.core_target, metadata.nlu_target]).nodes)


def test_the_action_server_gets_the_last_two_turns_and_everything_else_whole():
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    from bot.paths import REPO_ROOT
    from bot.rasa_speedups import latest_turn_events

    install()
    domain = Domain.load(REPO_ROOT / "domain.yml")
    tracker = DialogueStateTracker("payload", domain.slots)
    for turn in range(6):
        for event in [ActionExecuted("action_listen"),
                      UserUttered(f"message {turn}", {"name": "greet", "confidence": 1.0}),
                      SlotSet("category", f"c{turn}"), ActionExecuted("utter_greet")]:
            tracker.update(event)
    action = RemoteAction("action_find_services", EndpointConfig("http://127.0.0.1:1"))
    sent = action._action_call_format(tracker, domain)
    whole = RemoteAction._action_call_format.__wrapped__(action, tracker, domain)
    assert [e.get("text") for e in sent["tracker"]["events"] if e["event"] == "user"] == [
        "message 4", "message 5"]
    assert sent["tracker"]["events"] == whole["tracker"]["events"][-7:]
    for key in ("slots", "latest_message", "active_loop", "sender_id", "latest_action_name"):
        assert sent["tracker"][key] == whole["tracker"][key]
    assert sent["tracker"]["slots"]["category"] == "c5"
    no_message_yet = [ActionExecuted("action_listen")]
    assert latest_turn_events(no_message_yet) == no_message_yet


def test_the_older_events_are_not_even_read_for_the_action_server():
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    from bot.rasa_speedups import latest_turn_events

    class Unreadable(ActionExecuted):
        def as_dict(self):
            raise AssertionError("an old event was turned into JSON")

    install()
    tracker = DialogueStateTracker("old", [])
    tracker.update(Unreadable("action_listen"))
    for turn in range(3):
        tracker.update(UserUttered(f"message {turn}"))
        tracker.update(ActionExecuted("action_listen"))
    action = RemoteAction("action_find_services", EndpointConfig("http://127.0.0.1:1"))
    sent = action._action_call_format(tracker, Domain.empty())
    assert [e.get("text") for e in sent["tracker"]["events"]] == [
        "message 1", None, "message 2", None]
    assert latest_turn_events([]) == [] and len(latest_turn_events(tracker.events, 9)) == 7


def test_actions_read_no_older_events():
    """The action server sees only the last two turns' events (bot.rasa_speedups): actions
    must use slots and the latest message, not the conversation's history."""
    import re

    from bot.paths import REPO_ROOT

    history = re.compile(r"\btracker\.(events|applied_events|get_last_event_for|events_after_latest_"
                         r"restart|idx_after_latest_restart)\b")
    sources = list((REPO_ROOT / "actions").glob("*.py")) + [
        REPO_ROOT / "bot" / name for name in ("help_flow.py", "dialogue.py", "replies.py")]
    found = [f"{path.name}: {line.strip()}" for path in sources
             for line in path.read_text(encoding="utf-8").splitlines() if history.search(line)]
    assert found == []


def test_the_loaded_model_is_left_out_of_garbage_collection_once_the_server_starts():
    """The channel's blueprint settles the model after start-up, once per process; objects
    made later are still collected."""
    import subprocess
    import sys
    import textwrap

    from bot.paths import REPO_ROOT

    script = textwrap.dedent("""
        import asyncio, gc
        from bot.channels.rest import ContractRestInput
        from bot.rasa_speedups import settle_loaded_model

        blueprint = ContractRestInput().blueprint(lambda message: None)
        listeners = [future.listener for future in blueprint._future_listeners
                     if future.event == "after_server_start"]
        model = [[i] for i in range(10000)]  # stands for the loaded model
        assert gc.get_freeze_count() == 0
        asyncio.run(listeners[0](None, None))
        frozen = gc.get_freeze_count()
        assert frozen >= 10000, frozen
        settle_loaded_model()  # a second channel asking changes nothing
        assert gc.get_freeze_count() == frozen
        later = [[i] for i in range(10)]
        later.append(later)  # a cycle made after start-up is still collected
        del later
        assert gc.collect() > 0
        print("ok", len(listeners))
    """)
    result = subprocess.run([sys.executable, "-c", script], check=False, cwd=REPO_ROOT,
                            text=True, capture_output=True, timeout=120)
    assert result.returncode == 0 and result.stdout.startswith("ok 1"), result.stderr[-2000:]


def _event_dicts() -> list[dict]:
    """One of every kind of event Rasa's schema knows, as an action server sends them."""
    from rasa.shared.core import events as ev

    return [event.as_dict() for event in [
        ev.UserUttered("hi", {"name": "greet", "confidence": 0.9},
                       [{"entity": "place", "value": "HA1", "start": 0, "end": 3}]),
        ev.ActionExecuted("utter_greet", policy="RulePolicy", confidence=1.0),
        ev.SlotSet("category", "carers"), ev.SlotSet("listed_services", ["a", "b"]),
        ev.EntitiesAdded([{"entity": "place", "value": "HA1"}]),
        ev.DefinePrevUserUtteredFeaturization(True),
        ev.ReminderCancelled(name="r"), ev.ActionExecutionRejected("callback_form"),
        ev.LoopInterrupted(True), ev.ActiveLoop("callback_form"), ev.AllSlotsReset(),
        ev.ConversationResumed(), ev.ConversationPaused(), ev.FollowupAction("utter_greet"),
        ev.StoryExported(), ev.Restarted(), ev.ActionReverted(), ev.UserUtteranceReverted(),
        ev.BotUttered("hello", {"custom": {"services": [{"id": "x"}]}}), ev.SessionStarted(),
        ev.AgentUttered("agent"),
    ]]


def test_events_checked_by_type_are_valid_exactly_when_rasas_schema_says_so():
    """The check by event type against jsonschema with Rasa's whole schema (every
    alternative tried), on real events of every kind and on randomly broken ones."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from bot.rasa_speedups import _event_validators, _valid_response

    known = _event_dicts()
    assert len(_event_validators()[1]) == 23
    for event in known:  # every real event is valid, alone and all together
        assert _valid_response({"events": [event]}) and _response_validator().is_valid(
            {"events": [event]})
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
        | st.text(max_size=5), lambda inner: st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["event", "name", "value", "text", "entities",
                                           "parse_data", "timestamp", "metadata", "x"]),
                          inner, max_size=3), max_leaves=8)
    names = st.sampled_from([event["event"] for event in known] + ["nope", "", "slot "])

    @st.composite
    def broken_event(draw):
        event = dict(draw(st.sampled_from(known)))
        for _ in range(draw(st.integers(0, 3))):
            key = draw(st.sampled_from(sorted(event) + ["name", "value", "entities",
                                                        "metadata", "timestamp"]))
            action = draw(st.sampled_from(["drop", "replace", "rename"]))
            if action == "drop":
                event.pop(key, None)
            elif action == "replace":
                event[key] = draw(json_values)
            else:
                event["event"] = draw(names)
        return event

    responses = st.one_of(
        st.builds(lambda events: {"events": events}, st.lists(broken_event(), max_size=4)),
        st.builds(lambda events, responses: {"events": events, "responses": responses},
                  st.lists(broken_event(), max_size=2), json_values),
        json_values)

    @settings(max_examples=1000, deadline=None, database=None)
    @given(responses)
    def same_verdict(result):
        assert _valid_response(result) == _response_validator().is_valid(result)
    same_verdict()


def test_a_valid_response_is_checked_by_type_not_by_the_whole_schema(monkeypatch):
    """The point of it: a valid response never reaches jsonschema's whole-schema check."""
    from bot import rasa_speedups

    def whole_schema():
        raise AssertionError("checked against the whole schema")
    monkeypatch.setattr(rasa_speedups, "_response_validator", whole_schema)
    assert rasa_speedups._valid_response({"events": _event_dicts(), "responses": []})


def _applied_events_cases():
    from rasa.shared.core.domain import Domain

    from bot.paths import REPO_ROOT
    from tests.assistant.test_dialogue_states import (
        a_conversation_with_rasas_own_bookkeeping,
        a_form_conversation,
        interpreter_conversation,
        story_events,
    )

    domain = Domain.load(REPO_ROOT / "domain.yml")
    return domain, [*story_events(domain), a_form_conversation(),
                    a_conversation_with_rasas_own_bookkeeping(),
                    # a form run after the conversation is long: earlier runs fold away
                    interpreter_conversation(3) + a_form_conversation()[3:]]


def _asked_along(every: int):
    """(events, how many applied, tracker) after every ``every``-th event and the last of
    each conversation of ``_applied_events_cases``, on one tracker per conversation."""
    from rasa.shared.core.trackers import DialogueStateTracker

    domain, conversations = _applied_events_cases()
    assert len(conversations) > 40
    for events in conversations:
        tracker = DialogueStateTracker("asked", domain.slots)
        for number, event in enumerate(events, start=1):
            tracker.update(event)
            if number % every == 0 or number == len(events):
                yield events, number, tracker


@pytest.mark.parametrize("ask_every", [1, 3], ids=["every_event", "every_third_event"])
def test_remembered_applied_events_equal_rasas_after_every_event(ask_every):
    """Through every story and rule, forms (whose earlier runs Rasa folds away), rewinds,
    restarts, sessions and Rasa's own bookkeeping events: the same events, in order, as
    Rasa's own method, whether asked after every event or after several; and what is given
    is the caller's own list."""
    from rasa.shared.core.trackers import DialogueStateTracker

    install()
    rasas = DialogueStateTracker.applied_events.__wrapped__
    extended = 0
    for events, number, tracker in _asked_along(ask_every):
        remembered = vars(tracker).get("_harrow_applied_events")
        given = tracker.applied_events()
        expected = rasas(tracker)
        assert [id(e) for e in given] == [id(e) for e in expected], (events, number)
        extended += remembered is not None and remembered[0] < number \
            and vars(tracker)["_harrow_applied_events"][2] is not remembered[2]
        given.append("edited by a caller")
        assert tracker.applied_events() == expected
    assert extended > 100  # the remembered answer was extended, not only worked out whole


def test_applied_events_of_a_tracker_with_a_bounded_history_are_rasas():
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    install()
    tracker = DialogueStateTracker("bounded", [], max_event_history=3)
    for turn in range(5):
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered(f"hello {turn}"))
        assert tracker.applied_events() == list(tracker.events)
    assert "_harrow_applied_events" not in vars(tracker)


def tracker_state(tracker) -> dict:
    """Everything a tracker holds, comparable: events as dicts, every slot's attributes,
    the latest message and reply (an empty one's time stamp aside), every other attribute
    (what this module remembers on a tracker aside)."""
    def message(event):
        if event is None:
            return None
        found = event.as_dict()
        return {**found, "timestamp": 0} if getattr(event, "text", 1) is None else found
    state = {}
    for key, value in vars(tracker).items():
        if key.startswith("_harrow_"):
            continue
        if key == "events":
            state[key] = ([event.as_dict() for event in value], value.maxlen)
        elif key == "slots":
            state[key] = {name: (type(slot), {k: v for k, v in vars(slot).items()})
                          for name, slot in value.items()}
        elif key in ("latest_message", "latest_bot_utterance"):
            state[key] = message(value)
        else:
            state[key] = value
    return state


@pytest.mark.parametrize("copy_every", [1, 3], ids=["every_event", "every_third_event"])
def test_continued_copies_equal_rasas_replay_after_every_event(copy_every):
    """A copy gone on from the tracker's kept replay is, after every event of every story
    and rule, form, rewind, restart and session, in every respect the tracker Rasa's copy
    (a replay of every event) gives; a copy changed by its user changes no later copy."""
    from rasa.shared.core.events import ActionExecuted, SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    install()
    rasas = DialogueStateTracker.copy.__wrapped__
    went_on = 0
    for events, number, tracker in _asked_along(copy_every):
        kept = vars(tracker).get("_harrow_replay")
        given = tracker.copy()
        assert tracker_state(given) == tracker_state(rasas(tracker)), (events, number)
        went_on += kept is not None and vars(tracker)["_harrow_replay"][2] is kept[2]
        given.update(ActionExecuted("utter_greet"))  # as Rasa's _run_action does
        given.update(SlotSet("category", "changed"))
        if given.active_loop is not None:
            given.active_loop.is_interrupted = not given.active_loop.is_interrupted
    assert went_on > 100  # copies went on from the kept replay, not replayed whole


def test_a_copy_of_a_tracker_the_store_read_goes_on_from_the_stores_replay(tmp_path):
    """The store's kept replay is never changed by a copy: copies replicate it first."""
    import asyncio

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.paths import REPO_ROOT
    from bot.tracker_store import RedactingSQLTrackerStore

    install()
    rasas = DialogueStateTracker.copy.__wrapped__
    domain = Domain.load(REPO_ROOT / "domain.yml")
    store = RedactingSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    tracker = DialogueStateTracker("stored", domain.slots)
    for turn in range(4):
        for event in [ActionExecuted("action_listen"), UserUttered(f"hi {turn}"),
                      SlotSet("category", f"c{turn}"), ActionExecuted("utter_greet")]:
            tracker.update(event)
        asyncio.run(store.save(tracker))
        tracker = asyncio.run(store.retrieve("stored"))
        kept = store._kept["stored"].replay
        before = tracker_state(kept)
        assert tracker_state(tracker) == tracker_state(rasas(tracker))
        tracker.update(ActionExecuted("action_listen"))
        copied = tracker.copy()
        assert tracker_state(copied) == tracker_state(rasas(tracker))
        copied.update(SlotSet("category", "changed"))
        assert tracker_state(kept) == before
        assert vars(tracker)["_harrow_replay"][2] is not kept
    store.engine.dispose()
