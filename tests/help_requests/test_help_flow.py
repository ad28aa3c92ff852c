"""The callback and interpreter forms' logic (bot.help_flow), without Rasa: consent first,
answers validated and kept only in the draft request, change and cancel, the reference."""
from __future__ import annotations

from datetime import date

import pytest

from bot import help_flow
from bot.directory.models import HelpRequest
from bot.help_flow import CANCEL, GIVEN, YES, answer, date_answer, language_answer, validate

CONVERSATION = "web-test-form"


def run(session, kind, answers, lang="en", category=None, today=date(2026, 11, 26)):
    """Feed answers through the form as Rasa would: slots set, questions in order."""
    slots: dict = {"category": category}
    for text in answers:
        pending = [s for s in help_flow.required_slots(kind, slots) if slots.get(s) is None]
        if not pending:
            break
        outcome = validate(pending[0], text, kind, lang, CONVERSATION, session, category,
                           today)
        slots.update(outcome.slots)
    return slots


def stored(session):
    return session.query(HelpRequest).all()


@pytest.mark.parametrize("text, lang, expected", [
    ("yes", "en", YES), ("Yes!", "en", YES), ("no", "en", "no"), ("cancel", "ro", CANCEL),
    ("da", "ro", YES), ("nu", "ro", "no"), ("نعم", "ar", YES), ("ہاں", "ur", YES),
    ("tak", "pl", YES), ("sim", "pt", YES), ("haa", "so", YES), ("maybe later", "en", None),
])
def test_answers_in_each_language(text, lang, expected):
    assert answer(text, lang) == expected


def test_languages_and_dates():
    assert language_answer("lang:ur", "en") == "ur"
    assert language_answer("lang:bsl", "en", allow_bsl=True) == "bsl"
    assert language_answer("lang:bsl", "en") is None
    assert language_answer("in Romanian please", "en") == "ro"
    assert language_answer("sign language", "en", allow_bsl=True) == "bsl"
    today = date(2026, 11, 26)
    assert date_answer("14/12/2026", today) == date(2026, 12, 14)
    assert date_answer("3rd December 2026", today) == date(2026, 12, 3)
    assert date_answer("01/01/2020", today) is None  # in the past
    assert date_answer("next week", today) is None


def test_a_full_callback_request(session):
    slots = run(session, "callback", ["yes", "Amina", "07700 900123", "time:morning",
                                      "lang:ur", "no", "need:carers", "send"], lang="ur")
    assert slots["help_name"] == GIVEN and slots["help_contact"] == GIVEN  # not the values
    assert slots["help_call_language"] == "ur" and slots["help_confirm"] == YES
    text = help_flow.submit("callback", "ur", CONVERSATION, session, slots)
    [row] = stored(session)
    assert row.status == "open" and row.first_name == "Amina" and row.phone == "07700900123"
    assert (row.best_time, row.call_language, row.interpreter_needed, row.need_category) == \
        ("morning", "ur", False, "carers")
    assert row.reference in text and "Amina" not in text  # replies are stored: no name


def test_refusing_consent_stores_nothing_and_asks_nothing_more(session):
    slots = run(session, "callback", ["no", "Amina", "07700 900123"])
    assert help_flow.required_slots("callback", slots) == []
    assert stored(session) == []
    assert "nothing" in help_flow.submit("callback", "en", CONVERSATION, session, slots)
    assert stored(session) == []


def test_cancel_half_way_deletes_what_was_given(session):
    slots = run(session, "callback", ["yes", "Amina", "amina@example.org", "cancel"])
    assert help_flow.required_slots("callback", slots) == []
    help_flow.submit("callback", "en", CONVERSATION, session, slots)
    assert stored(session) == []


def test_bad_answers_are_asked_again_with_a_reason(session):
    run(session, "callback", ["yes"])
    outcome = validate("help_contact", "call me maybe", "callback", "en", CONVERSATION,
                       session)
    assert outcome.slots == {"help_contact": None} and "UK phone number" in outcome.message
    outcome = validate("help_name", "07700 900123", "callback", "ro", CONVERSATION, session)
    assert outcome.slots == {"help_name": None} and outcome.message  # in Romanian
    assert "07700" not in str(stored(session)[0].first_name)


def test_change_an_answer_from_the_summary(session):
    slots = run(session, "interpreter", ["yes", "Sam", "07700 900123", "lang:bsl",
                                         "date:unknown", "mode:video"])
    summary = help_flow.question("help_confirm", "interpreter", "en",
                                 help_flow.find_draft(session, CONVERSATION, "interpreter"))
    assert "900123" not in summary["text"] and "ending 123" in summary["text"]
    payloads = [b["payload"] for b in summary["buttons"]]
    assert "send" in payloads and "change:help_contact" in payloads and CANCEL in payloads
    outcome = validate("help_confirm", "change:help_contact", "interpreter", "en",
                       CONVERSATION, session)
    assert outcome.slots == {"help_contact": None, "help_confirm": None}
    slots.update(outcome.slots)
    slots = {**slots, **validate("help_contact", "sam@example.org", "interpreter", "en",
                                 CONVERSATION, session).slots}
    slots.update(validate("help_confirm", "send", "interpreter", "en", CONVERSATION,
                          session).slots)
    help_flow.submit("interpreter", "en", CONVERSATION, session, slots)
    [row] = stored(session)
    assert (row.email, row.phone, row.interpreter_language, row.appointment_mode) == \
        ("sam@example.org", None, "bsl", "video")
    assert row.interpreter_needed and row.appointment_date is None and row.status == "open"


def test_the_need_is_not_asked_when_the_conversation_knows_it(session):
    slots = run(session, "callback", ["yes", "Ion", "07700 900124", "time:any", "lang:ro",
                                      "yes", "send"], lang="ro", category="safeguarding")
    help_flow.submit("callback", "ro", CONVERSATION, session, slots)
    [row] = stored(session)
    assert row.need_category == "safeguarding" and row.interpreter_needed is True


def test_questions_come_in_the_residents_language_with_buttons():
    consent = help_flow.question("help_consent", "callback", "ar")
    assert consent["text"] != help_flow.question("help_consent", "callback", "en")["text"]
    assert [b["payload"] for b in consent["buttons"]] == [YES, "no"]
    languages = help_flow.question("help_call_language", "callback", "ur")
    assert languages["buttons"][0]["payload"] == "lang:ur"  # their own language first
    bsl = help_flow.question("help_interpreter_language", "interpreter", "en")
    assert "lang:bsl" in [b["payload"] for b in bsl["buttons"]]


def test_abandoned_drafts_are_purged(session):
    from datetime import datetime, timedelta, timezone
    run(session, "callback", ["yes", "Amina"])
    later = datetime.now(timezone.utc) + timedelta(hours=25)
    assert help_flow.purge_abandoned_drafts(session, now=later) == 1
    assert stored(session) == []


def test_deleting_the_conversation_deletes_its_draft_but_not_sent_requests(session):
    from contextlib import nullcontext

    slots = run(session, "callback", ["yes", "Amina", "07700 900123", "time:any", "lang:en",
                                      "no", "need:carers", "send"])
    help_flow.submit("callback", "en", CONVERSATION, session, slots)
    run(session, "interpreter", ["yes", "Amina"])
    assert {r.status for r in stored(session)} == {"open", "draft"}
    assert help_flow.discard_conversation_drafts(lambda: nullcontext(session),
                                                 CONVERSATION) == 1
    assert [r.status for r in stored(session)] == ["open"]


def test_the_word_given_is_not_a_name_and_a_known_need_has_no_change_button(session):
    outcome = validate("help_name", "given", "callback", "en", CONVERSATION, session)
    run(session, "callback", ["yes"], category="carers")
    assert validate("help_name", "given", "callback", "en", CONVERSATION,
                    session).slots == {"help_name": None}
    assert outcome.slots == {"help_consent": None, "help_name": None}  # no draft yet
    draft = help_flow.find_draft(session, CONVERSATION, "callback")
    summary = help_flow.question("help_confirm", "callback", "en", draft, need_was_asked=False)
    assert "change:help_need" not in [b["payload"] for b in summary["buttons"]]
    assert summary["custom"]["private"] is True  # never stored (it shows the name)


def test_an_interrupted_form_forgets_its_draft_and_answers(session):
    from contextlib import nullcontext

    run(session, "callback", ["yes", "Amina", "07700 900123"])
    cleared = help_flow.forget_unfinished_request(lambda: nullcontext(session), CONVERSATION)
    assert set(cleared) == set(help_flow.ALL_SLOTS) and stored(session) == []
