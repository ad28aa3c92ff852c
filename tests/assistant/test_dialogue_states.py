"""Dialogue states from a conversation's checkpoint equal Rasa's own replay of the whole
conversation, message after message, whether the tracker is the same object (one request) or
read back from the store (the next request), and through forms, rewinds, restarts and masked
messages, where the checkpoint must start again."""
from __future__ import annotations

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    Event,
    FollowupAction,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.core.training_data.structures import StoryGraph

from bot import dialogue_states
from bot.paths import REPO_ROOT
from bot.rasa_speedups import install

RULE_ONLY = {"slots": ["listed_services"], "active_loops": ["callback_form"]}
OPTIONS = [{}, {"omit_unset_slots": True},
           {"ignore_rule_only_turns": True, "rule_only_data": RULE_ONLY},
           {"ignore_rule_only_turns": True, "rule_only_data": None}]


@pytest.fixture(scope="module")
def domain():
    install()
    return Domain.load(REPO_ROOT / "domain.yml")


@pytest.fixture(autouse=True)
def fresh_checkpoints(monkeypatch):
    """No checkpoints to begin with, and checkpoints kept from the first event (the
    server starts at MIN_EVENTS), so these short conversations exercise them."""
    dialogue_states.forget()
    monkeypatch.setattr(dialogue_states, "MIN_EVENTS", 0)
    yield
    dialogue_states.forget()


def counting_replays(monkeypatch) -> list:
    """A list that gets an item each time a conversation is replayed from its start."""
    started = []
    real_init = dialogue_states.StatesCheckpoint.__init__

    def counting(self, *args, **kwargs):
        started.append(1)
        real_init(self, *args, **kwargs)
    monkeypatch.setattr(dialogue_states.StatesCheckpoint, "__init__", counting)
    return started


def rasas_own(tracker, domain, **option):
    return DialogueStateTracker.past_states.__wrapped__(tracker, domain, **option)


def read_back(events):
    """The events as the tracker store gives them at the next request: new objects."""
    return [Event.from_parameters(event.as_dict()) for event in events]


def user(text, intent, **entities):
    return UserUttered(text, {"name": intent, "confidence": 1.0},
                       [{"entity": name, "value": value, "start": 0, "end": 1}
                        for name, value in entities.items()])


def interpreter_conversation(turns: int) -> list:
    """A new session, then ``turns`` messages asking for an interpreter, each answered."""
    events = [ActionExecuted("action_session_start"), SessionStarted(),
              ActionExecuted("action_listen")]
    for turn in range(turns):
        events += [user(f"interpreter {turn}", "need_interpreting"),
                   SlotSet("category", "interpreting"), ActionExecuted("action_find_services"),
                   ActionExecuted("action_listen")]
    return events


def story_events(domain):
    """The events of every story and rule the model is trained on, and of the test stories."""
    steps = [step for path in (REPO_ROOT / "data" / "stories.yml", REPO_ROOT / "data" /
                               "rules.yml", REPO_ROOT / "tests" / "test_stories.yml")
             for step in YAMLStoryReader(domain).read_from_file(path)]
    stories = TrainingDataGenerator(StoryGraph(steps), domain, augmentation_factor=0,
                                    remove_duplicates=False).generate()
    return [list(story.events) for story in stories]


def assert_states_equal_rasas(sender, events, domain, same_object):
    """After each event, as Rasa asks before each prediction: equal for every option set."""
    tracker = DialogueStateTracker(sender, domain.slots)
    for end, event in enumerate(events, start=1):
        if same_object:
            tracker.update(event)
        else:
            tracker = DialogueStateTracker.from_events(sender, read_back(events[:end]),
                                                       slots=domain.slots)
        for option in OPTIONS:
            given = tracker.past_states(domain, **option)
            assert given == rasas_own(tracker, domain, **option), (sender, end, option)
            given[-1].clear()  # a policy editing what it was given changes nothing
            assert tracker.past_states(domain, **option) == rasas_own(tracker, domain, **option)


@pytest.mark.parametrize("same_object", [True, False], ids=["one_request", "read_back"])
def test_every_story_gives_rasas_states_after_every_event(domain, same_object):
    stories = story_events(domain)
    assert len(stories) > 40
    for number, events in enumerate(stories):
        assert_states_equal_rasas(f"story-{number}", events, domain, same_object)


def a_form_conversation():
    """A need, a form asking two questions (the loop runs again each time: Rasa folds the
    earlier runs away), a rewind, a restart and a new session."""
    return [
        ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
        user("I care for my dad", "need_carers"), SlotSet("category", "carers"),
        ActionExecuted("action_find_services"), ActionExecuted("action_listen"),
        user("call me back", "human_handoff"), ActionExecuted("callback_form"),
        ActiveLoop("callback_form"), SlotSet("requested_slot", "help_name"),
        ActionExecuted("action_listen"), user("Ana", "refine_search"),
        ActionExecuted("callback_form"), SlotSet("help_name", "Ana"),
        SlotSet("requested_slot", "help_contact"), ActionExecuted("action_listen"),
        user("020 7946 0123", "refine_search"), ActionExecuted("callback_form"),
        SlotSet("help_contact", "020 7946 0123"),
        ActiveLoop(None), SlotSet("requested_slot", None), ActionExecuted("action_listen"),
        user("hmm", "nlu_fallback"), ActionExecuted("action_default_fallback"),
        UserUtteranceReverted(), ActionExecuted("action_listen"),
        user("thanks", "thank"), ActionExecuted("utter_thanks"), ActionReverted(),
        FollowupAction("utter_goodbye"), ActionExecuted("utter_goodbye"),
        ActionExecuted("action_listen"), user("start again", "greet"), Restarted(),
        ActionExecuted("action_session_start"), SessionStarted(),
        ActionExecuted("action_listen"), user("hello", "greet"), ActionExecuted("utter_greet"),
        ActionExecuted("action_listen"),
    ]


@pytest.mark.parametrize("same_object", [True, False], ids=["one_request", "read_back"])
def test_forms_rewinds_restarts_and_sessions_give_rasas_states(domain, same_object):
    assert_states_equal_rasas("form", a_form_conversation(), domain, same_object)


def a_conversation_with_rasas_own_bookkeeping():
    """What Rasa's processor adds besides messages and actions: the mark it puts on the
    latest message once a policy's prediction is taken (it changes that message's states
    from then on), entities added to it, a form rejecting a message and its interruption."""
    from rasa.core.test import WronglyPredictedAction

    return [
        ActionExecuted("action_listen"), user("I look after my mum", "need_carers"),
        DefinePrevUserUtteredFeaturization(False), SlotSet("category", "carers"),
        ActionExecuted("action_find_services"), ActionExecuted("action_listen"),
        user("book me an interpreter", "need_interpreting", spoken_language="ro"),
        DefinePrevUserUtteredFeaturization(True),
        EntitiesAdded([{"entity": "place", "value": "pinner", "start": 0, "end": 1}]),
        ActionExecuted("interpreter_form"), ActiveLoop("interpreter_form"),
        SlotSet("requested_slot", "help_interpreter_language"),
        ActionExecuted("action_listen"), user("what is this?", "out_of_scope"),
        DefinePrevUserUtteredFeaturization(False),
        ActionExecutionRejected("interpreter_form"), LoopInterrupted(True),
        ActionExecuted("utter_out_of_scope"), ActionExecuted("interpreter_form"),
        LoopInterrupted(False), SlotSet("requested_slot", "help_date"),
        ActionExecuted("action_listen"), user("tomorrow", "refine_search"),
        ActionExecuted("interpreter_form"), ActiveLoop(None), SlotSet("requested_slot", None), ActionExecuted("action_listen"),
        user("thanks", "thank"), DefinePrevUserUtteredFeaturization(False),
        WronglyPredictedAction("utter_thanks", "", "utter_greet"),  # a subclass (rasa test)
        ActionExecuted("action_listen"),
    ]


@pytest.mark.parametrize("same_object", [True, False], ids=["one_request", "read_back"])
def test_rasas_bookkeeping_events_give_rasas_states(domain, same_object):
    assert_states_equal_rasas("bookkeeping", a_conversation_with_rasas_own_bookkeeping(), domain,
                              same_object)


def test_a_new_session_replaces_the_longer_old_one(domain, monkeypatch):
    """The store loads only the latest session: its first trackers are shorter than the old
    session's, but newer, and the checkpoint follows them rather than replaying each call."""
    monkeypatch.setattr(dialogue_states, "MIN_EVENTS", 10)
    started = counting_replays(monkeypatch)
    old = [ActionExecuted("action_session_start"), SessionStarted(),
           ActionExecuted("action_listen")]
    for turn in range(8):
        old += [user(f"carers {turn}", "need_carers"), ActionExecuted("action_find_services"),
                ActionExecuted("action_listen")]
    tracker = DialogueStateTracker.from_events("sessions", read_back(old), slots=domain.slots)
    assert tracker.past_states(domain) == rasas_own(tracker, domain)
    new = [ActionExecuted("action_session_start"), SessionStarted(),
           ActionExecuted("action_listen")]
    for turn in range(5):
        new += [user(f"interpreter {turn}", "need_interpreting"),
                ActionExecuted("action_find_services"), ActionExecuted("action_listen")]
        if len(new) < 10:
            continue
        tracker = DialogueStateTracker.from_events("sessions", read_back(new),
                                                   slots=domain.slots)
        assert tracker.past_states(domain) == rasas_own(tracker, domain)
    assert len(started) == 2  # the old session once, the new one once


def test_a_message_read_back_masked_is_not_taken_for_the_one_seen(domain):
    """The tracker store masks personal data: the next request's copy of a message differs
    from the one the checkpoint consumed, and its states must be Rasa's for what it reads."""
    events = [ActionExecuted("action_listen"), user("my number is 020 7946 0123", "refine_search"),
              ActionExecuted("utter_thanks"), ActionExecuted("action_listen")]
    tracker = DialogueStateTracker.from_events("masked", events, slots=domain.slots)
    tracker.past_states(domain)
    stored = read_back(events)
    stored[1].text = "my number is [phone]"
    stored += [user("hello", "greet"), ActionExecuted("utter_greet")]
    later = DialogueStateTracker.from_events("masked", stored, slots=domain.slots)
    given = later.past_states(domain)
    assert given == rasas_own(later, domain)
    assert any(state.get("user", {}).get("text") == "my number is [phone]" for state in given)


def test_a_conversation_is_replayed_once_not_once_per_prediction(domain, monkeypatch):
    """The point of it: 20 messages, each read back as at a new request, asked for by three
    option sets twice a message, and Rasa's whole replay happens once per option set."""
    started = counting_replays(monkeypatch)
    conversation = interpreter_conversation(20)
    for turns in range(1, 21):
        events = conversation[:3 + 4 * turns]
        tracker = DialogueStateTracker.from_events("long", read_back(events), slots=domain.slots)
        for _ in range(2):
            for option in OPTIONS[:3]:
                assert tracker.past_states(domain, **option) == rasas_own(tracker, domain,
                                                                          **option)
    assert len(started) == 3


def test_checkpoints_are_bounded(domain, monkeypatch):
    monkeypatch.setattr(dialogue_states, "CHECKPOINTS", 5)
    for number in range(12):
        tracker = DialogueStateTracker.from_events(
            f"resident-{number}", [ActionExecuted("action_listen"), user("hi", "greet")],
            slots=domain.slots)
        tracker.past_states(domain)
    assert len(dialogue_states._checkpoints) == 5


def test_a_policys_own_short_tracker_leaves_the_conversations_checkpoint(domain, monkeypatch):
    """Memoization asks for the states of a tracker of the last few turns, under the same
    conversation id: it gets its own states, and the conversation goes on from its
    checkpoint; a conversation shorter than MIN_EVENTS keeps none."""
    monkeypatch.setattr(dialogue_states, "MIN_EVENTS", 20)
    started = counting_replays(monkeypatch)
    events = [ActionExecuted("action_listen")]
    for turn in range(12):
        events += [user(f"carers {turn}", "need_carers"), SlotSet("category", "carers"),
                   ActionExecuted("action_find_services"), ActionExecuted("action_listen")]
        tracker = DialogueStateTracker.from_events("memo", read_back(events), slots=domain.slots)
        assert tracker.past_states(domain) == rasas_own(tracker, domain)
        # the last turns: under MIN_EVENTS, then over it (but shorter than the conversation)
        last_turns = DialogueStateTracker.from_events(
            "memo", events[-22:] if len(events) > 22 else events[-6:], slots=domain.slots)
        assert last_turns.past_states(domain) == rasas_own(last_turns, domain)
        assert tracker.past_states(domain) == rasas_own(tracker, domain)
    kept = [key for key in dialogue_states._checkpoints if key[0] == "memo"]
    assert len(kept) == 1
    # from the start: the 12 short trackers, the conversation twice a message while under 20
    # events (4 messages), then once, when it reached 20 events
    assert len(started) == 12 + 4 * 2 + 1


def test_the_mark_rasa_puts_on_the_latest_message_does_not_restart_the_replay(
        domain, monkeypatch):
    """As in a request: the policies predict, Rasa marks the message (by intent), the action
    runs, they predict again. The states change with the mark, and are still Rasa's, without
    replaying the conversation from its start."""
    started = counting_replays(monkeypatch)
    tracker = DialogueStateTracker("marked", domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    for turn in range(10):
        for event in [user(f"carers {turn}", "need_carers"), None,
                      DefinePrevUserUtteredFeaturization(False), SlotSet("category", "carers"),
                      ActionExecuted("action_find_services"), None,
                      ActionExecuted("action_listen")]:
            if event is not None:
                tracker.update(event)
                continue
            for option in OPTIONS[:3]:  # the policies predict
                assert tracker.past_states(domain, **option) == rasas_own(tracker, domain,
                                                                          **option)
    assert len(started) == 3  # once per option set, at the first message


def counting_fingerprints(monkeypatch) -> list:
    """A list that gets an item for each event fingerprinted."""
    taken = []
    real = dialogue_states._fingerprint

    def counting(event):
        taken.append(1)
        return real(event)
    monkeypatch.setattr(dialogue_states, "_fingerprint", counting)
    return taken


def test_a_trackers_events_are_fingerprinted_once_per_message_not_once_per_prediction(
        domain, monkeypatch):
    """The check that a tracker goes on from the checkpoint hashes the events the checkpoint
    consumed: once for each tracker the store reads back, not for every policy's every ask."""
    events = interpreter_conversation(10)
    tracker = DialogueStateTracker.from_events("keys", read_back(events), slots=domain.slots)
    for option in OPTIONS[:3]:
        tracker.past_states(domain, **option)
    taken = counting_fingerprints(monkeypatch)
    events += [user("interpreter again", "need_interpreting")]
    tracker = DialogueStateTracker.from_events("keys", read_back(events), slots=domain.slots)
    for _ in range(3):  # three predictions, three option sets each
        for option in OPTIONS[:3]:
            assert tracker.past_states(domain, **option) == rasas_own(tracker, domain, **option)
        tracker.update(ActionExecuted("action_find_services"))
    # the prefix up to the new message (41 events) once, plus the checkpoint moving on to it
    assert len(taken) <= 2 * len(events)


def test_an_edited_message_among_the_events_hashed_is_hashed_again(domain):
    """Rasa edits the message a tracker holds as its latest (featurization, entities): when
    that message is among the events a key covers, the key is not taken from memory."""
    events = [ActionExecuted("action_listen"), user("carers", "need_carers"),
              ActionExecuted("action_find_services"), ActionExecuted("action_listen")]
    tracker = DialogueStateTracker.from_events("edited", events, slots=domain.slots)
    before = dialogue_states._history_key(tracker, len(events))
    tracker.update(DefinePrevUserUtteredFeaturization(True))
    assert dialogue_states._history_key(tracker, len(events)) != before
    earlier = dialogue_states._history_key(tracker, 1)  # before the message: remembered
    assert dialogue_states._history_key(tracker, 1) == earlier
    assert 1 in vars(tracker)[dialogue_states._KEYS]


def test_kept_states_are_nothing_for_the_garbage_collector_to_walk(domain):
    """A server keeps thousands of checkpoints, and every object they hold that the garbage
    collector tracks is walked by each full collection, during which no resident gets a
    reply. The states kept (most of a checkpoint) end up untracked, however long the
    conversation."""
    import gc

    events = [ActionExecuted("action_listen")]
    for turn in range(30):
        events += [user(f"carers {turn}", "need_carers", place="HA1"),
                   SlotSet("category", "carers"), ActionExecuted("action_find_services"),
                   ActionExecuted("action_listen")]
    tracker = DialogueStateTracker.from_events("kept", read_back(events), slots=domain.slots)
    for option in OPTIONS:
        tracker.past_states(domain, **option)
    tracker = DialogueStateTracker.from_events(
        "kept", read_back([*events, user("again", "need_carers")]), slots=domain.slots)
    given = tracker.past_states(domain)
    assert given == rasas_own(tracker, domain)
    for _ in range(3):  # a full collection stops tracking (at least) a level of tuples
        gc.collect()

    def tracked(value) -> int:
        inside = value.values() if isinstance(value, dict) else value \
            if isinstance(value, (tuple, list)) else ()
        return int(gc.is_tracked(value)) + sum(tracked(item) for item in inside)
    for checkpoint in dialogue_states._checkpoints.values():
        assert len(checkpoint.states) > 30
        assert sum(tracked(state) for state in checkpoint.states) == 0


def test_slots_are_copied_as_copy_copy_copies_them(domain):
    """Every slot of the domain: the quick copy is a new object of the same class with the
    same attributes, as copy.copy gives; a class that changes how it is copied still goes
    through copy.copy."""
    import copy

    for slot in domain.slots:
        slot.value = slot.initial_value
        quick, plain = dialogue_states._shallow_copy(slot), copy.copy(slot)
        assert type(quick) is type(plain) is type(slot) and quick is not slot
        assert vars(quick) == vars(plain) == vars(slot)
    assert all(dialogue_states._PLAIN_CLASSES[type(slot)] for slot in domain.slots)

    class Counted:
        copies = 0

        def __copy__(self):
            Counted.copies += 1
            return Counted()
    dialogue_states._shallow_copy(Counted())
    assert Counted.copies == 1

    class Items(dict):
        pass
    items = Items(a=1)
    items.note = "kept"
    assert dialogue_states._shallow_copy(items) == {"a": 1}
    assert dialogue_states._shallow_copy(items).note == "kept"


def test_events_remember_their_fingerprint_but_messages_and_lists_do_not():
    """The store keeps a conversation's events between messages, so their fingerprints are
    remembered on them; a restamped event is fingerprinted again, and a resident's message
    (edited in place while it is the latest) or a slot holding a list never is."""
    action, slot = ActionExecuted("action_find_services"), SlotSet("category", "carers")
    listed, message = SlotSet("listed_services", ["a"]), user("carers", "need_carers")
    for event in (action, slot, listed, message):
        assert dialogue_states._fingerprint(event) == dialogue_states._worked_out(event)
    assert dialogue_states._REMEMBERED in vars(action) and dialogue_states._REMEMBERED in vars(slot)
    assert dialogue_states._REMEMBERED not in vars(listed)
    assert dialogue_states._REMEMBERED not in vars(message)
    message.use_text_for_featurization = True
    assert dialogue_states._fingerprint(message)[4] is True
    assert dialogue_states._event_hash(action) == hash(dialogue_states._worked_out(action))
    action.timestamp += 1  # Rasa restamps an event it logs
    assert dialogue_states._fingerprint(action)[1] == action.timestamp
    assert dialogue_states._event_hash(action) == hash(dialogue_states._worked_out(action))
    assert dialogue_states._event_hash(message) == hash(dialogue_states._worked_out(message))


def test_the_same_tracker_asked_again_is_answered_from_the_last_answer(domain, monkeypatch):
    """The rule policy asks twice per prediction, memoization and TED with the same options:
    the states are worked out once per tracker state, and each answer is a copy."""
    worked_out = []
    real_with = dialogue_states.StatesCheckpoint._with

    def counting(self, rest):
        worked_out.append(1)
        return real_with(self, rest)
    monkeypatch.setattr(dialogue_states.StatesCheckpoint, "_with", counting)
    tracker = DialogueStateTracker.from_events("again", interpreter_conversation(6),
                                               slots=domain.slots)
    tracker.update(user("any near Pinner", "inform_place", place="Pinner"))
    answers = [tracker.past_states(domain) for _ in range(3)]
    assert answers[0] == answers[1] == answers[2] == rasas_own(tracker, domain)
    assert len(worked_out) == 1
    assert answers[0] is not answers[1] and answers[0][-1] is not answers[1][-1]
    tracker.update(SlotSet("place", "Pinner"))  # a new event: worked out again
    assert tracker.past_states(domain) == rasas_own(tracker, domain)
    assert len(worked_out) == 2


def test_a_mark_put_on_a_shared_message_by_another_tracker_is_seen(domain):
    """Copies share event objects, and Rasa marks the latest message on the object itself:
    a mark applied through a copy changes this tracker's states too, with no new event on
    it, and the answer follows (Rasa's own method sees the mark)."""
    tracker = DialogueStateTracker.from_events("shared", interpreter_conversation(4),
                                               slots=domain.slots)
    tracker.update(user("carers please", "need_carers"))
    options = {"ignore_rule_only_turns": True, "rule_only_data": {"slots": [], "loops": []}}
    before = tracker.past_states(domain, **options)
    assert before == rasas_own(tracker, domain, **options)
    copy = DialogueStateTracker.from_events("shared", list(tracker.events), slots=domain.slots)
    copy.update(DefinePrevUserUtteredFeaturization(True))  # by text, on the shared message
    after = tracker.past_states(domain, **options)
    assert after == rasas_own(tracker, domain, **options)
    assert after != before
