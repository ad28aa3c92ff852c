"""Asking for a person (issue 5): the callback and interpreter request forms.

The forms (``callback_form``, ``interpreter_form`` in domain.yml) ask one question at a time
in the conversation's language, with buttons. Consent comes first, in one plain sentence: if
the resident says no, nothing is asked and nothing is stored. After consent, each answer is
written straight to a draft row of the request table (bot.requests) — the only place contact
details live; the conversation keeps only "given" (and the stored conversation is masked
anyway, bot.tracker_store). At the end the resident sees a summary, can change any answer or
cancel (the draft is deleted), and on "send" gets a reference number.

Button payloads are plain tokens (``yes``, ``lang:ro``, ``change:help_contact``...): the
form's slots take the whole message text, so a typed answer works the same way as a button.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.categories import CATEGORIES
from bot.directory.models import HelpRequest
from bot.i18n.catalog import render, text_language
from bot.i18n.languages import configured_languages, full_support_languages
from bot.nlu.answers import CANCEL, NO, YES, answer
from bot.replies import category_label, language_name
from bot.requests import OPEN, as_utc, email_address, new_reference, uk_phone
from bot.safety.redact import PERSONAL_FORM_SLOTS

DRAFT = "draft"
GIVEN = "given"
FORMS = {"callback": "callback_form", "interpreter": "interpreter_form"}
SLOTS = {
    "callback": ["help_consent", "help_name", "help_contact", "help_time",
                 "help_call_language", "help_interpreter", "help_need", "help_confirm"],
    "interpreter": ["help_consent", "help_name", "help_contact", "help_interpreter_language",
                    "help_date", "help_mode", "help_confirm"],
}
ALL_SLOTS = sorted({slot for slots in SLOTS.values() for slot in slots})
FIELD_KEYS = {"help_name": "field_name", "help_contact": "field_contact",
              "help_time": "field_time", "help_call_language": "field_call_language",
              "help_interpreter": "field_interpreter", "help_need": "field_need",
              "help_interpreter_language": "field_interpreter_language",
              "help_date": "field_date", "help_mode": "field_mode"}
TIMES = ("morning", "afternoon", "any")
MODES = ("face_to_face", "video")
BSL = "bsl"


# --- reading answers -----------------------------------------------------------------------

def language_answer(text: str, lang: str, allow_bsl: bool = False) -> str | None:
    """A language code from a button token ("lang:ur") or a language named in ``text``."""
    token = text.strip()
    if token.startswith("lang:"):
        code = token[5:]
        ok = code in configured_languages() or (allow_bsl and code == BSL)
        return code if ok else None
    if allow_bsl and re.search(r"\b(bsl|sign language)\b", text, re.IGNORECASE):
        return BSL
    from bot.nlu.lexicon import find_entities

    spoken = [e.value for e in find_entities(text) if e.entity == "spoken_language"]
    return spoken[0] if spoken else None


_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d", "%d %B %Y",
                 "%d %b %Y")


def date_answer(text: str, today: date) -> date | None:
    """A date from today to two years ahead, or None."""
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip(), flags=re.IGNORECASE)
    for fmt in _DATE_FORMATS:
        try:
            found = datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
        if today <= found <= today + timedelta(days=730):
            return found
        return None
    return None


# --- questions -----------------------------------------------------------------------------

def _buttons(*pairs: tuple[str, str]) -> list[dict]:
    return [{"title": title, "payload": payload} for title, payload in pairs]


def _yes_no(lang: str) -> list[dict]:
    return _buttons((render("help.yes", lang), YES), (render("help.no", lang), NO))


def _cancel(lang: str) -> list[dict]:
    return _buttons((render("help.cancel", lang), CANCEL))


def _language_buttons(lang: str, first: str | None, bsl: bool = False) -> list[dict]:
    languages = configured_languages()
    codes = full_support_languages()
    if first in codes:
        codes = [first, *[c for c in codes if c != first]]
    pairs = [(languages[c].native, f"lang:{c}") for c in codes]
    if bsl:
        pairs.append((render("help.bsl", lang), f"lang:{BSL}"))
    return _buttons(*pairs) + _cancel(lang)


def question(slot: str, kind: str, lang: str, draft: HelpRequest | None = None,
             need_was_asked: bool = True) -> dict:
    """The message asking for ``slot``: text and buttons, in ``lang``."""
    if slot == "help_consent":
        return {"text": render(f"help.consent_{kind}", lang), "buttons": _yes_no(lang)}
    simple = {"help_name": "help.ask_name", "help_contact": "help.ask_contact"}
    if slot in simple:
        return {"text": render(simple[slot], lang), "buttons": _cancel(lang)}
    if slot == "help_time":
        return {"text": render("help.ask_time", lang), "buttons": _buttons(
            *[(render(f"help.time_{t}", lang), f"time:{t}") for t in TIMES]) + _cancel(lang)}
    if slot in ("help_call_language", "help_interpreter_language"):
        key = "help.ask_call_language" if slot == "help_call_language" \
            else "help.ask_interpreter_language"
        return {"text": render(key, lang), "buttons": _language_buttons(
            lang, lang, bsl=slot == "help_interpreter_language")}
    if slot == "help_interpreter":
        return {"text": render("help.ask_interpreter", lang), "buttons": _yes_no(lang)}
    if slot == "help_need":
        return {"text": render("help.ask_need", lang), "buttons": _buttons(
            *[(category_label(c, lang), f"need:{c}") for c in CATEGORIES],
            (render("help.need_other", lang), "need:none"))}
    if slot == "help_date":
        return {"text": render("help.ask_date", lang), "buttons": _buttons(
            (render("help.date_unknown", lang), "date:unknown")) + _cancel(lang)}
    if slot == "help_mode":
        return {"text": render("help.ask_mode", lang), "buttons": _buttons(
            *[(render(f"help.mode_{m}", lang), f"mode:{m}") for m in MODES]) + _cancel(lang)}
    if slot == "help_confirm":
        return summary(kind, lang, draft, need_was_asked)
    raise KeyError(f"no question for slot {slot!r}")


def masked_contact(draft: HelpRequest, lang: str) -> str:
    """The contact as the resident sees it in the summary: never the whole number or address
    (the summary is not stored, but it is shown on a screen others may see)."""
    if draft.phone:
        return render("help.phone_ending", lang, digits=draft.phone[-3:])
    if draft.email:
        local, _, domain = draft.email.partition("@")
        return render("help.email_masked", lang, masked=f"{local[:1]}…@{domain}")
    return ""


def summary(kind: str, lang: str, draft: HelpRequest | None,
            need_was_asked: bool = True) -> dict:
    details: list[str] = []
    if draft is not None:
        details = [draft.first_name, masked_contact(draft, lang)]
        if kind == "callback":
            if draft.best_time:
                details.append(render(f"help.time_{draft.best_time}", lang)
                               if draft.best_time in TIMES else draft.best_time)
            if draft.call_language:
                details.append(language_name(draft.call_language, lang))
            if draft.interpreter_needed:
                details.append(render("help.field_interpreter", lang))
            if draft.need_category:
                details.append(category_label(draft.need_category, lang))
        else:
            details.append(render("help.bsl", lang) if draft.interpreter_language == BSL
                           else language_name(draft.interpreter_language or "", lang))
            if draft.appointment_date:
                details.append(draft.appointment_date.strftime("%d/%m/%Y"))
            if draft.appointment_mode:
                details.append(render(f"help.mode_{draft.appointment_mode}", lang))
    asked = [slot for slot in SLOTS[kind] if slot in FIELD_KEYS
             and not (slot == "help_need" and draft is not None and draft.need_category
                      and not need_was_asked)]
    changes = [(render("help.change", lang, field=render(f"help.{FIELD_KEYS[slot]}", lang)),
                f"change:{slot}") for slot in asked]
    # "private": shown to the resident, never stored (bot.safety.redact): it has their name
    return {"text": render("help.summary", lang, details="; ".join(d for d in details if d)),
            "buttons": _buttons((render("help.send", lang), "send"), *changes)
            + _cancel(lang), "custom": {**text_language(lang), "private": True}}


# --- validating answers and keeping them in the draft ---------------------------------------

@dataclass
class Outcome:
    """What an answer does: the slots to set, and a message to show first (an error)."""
    slots: dict
    message: str | None = None


def find_draft(session: Session, conversation: str, kind: str) -> HelpRequest | None:
    return session.execute(select(HelpRequest).where(
        HelpRequest.conversation_id == conversation, HelpRequest.status == DRAFT,
        HelpRequest.kind == kind).order_by(HelpRequest.id.desc())).scalars().first()


def cancelled_slots() -> dict:
    """Every form slot filled, so the form ends at once; the submit step sees the cancel."""
    return {slot: CANCEL for slot in ALL_SLOTS}


def validate(slot: str, text: str, kind: str, lang: str, conversation: str, session: Session,
             category: str | None = None, today: date | None = None) -> Outcome:
    """Check one answer; store it in the conversation's draft request."""
    text = (text or "").strip()
    said = answer(text, lang)
    if said == CANCEL or (said == NO and slot == "help_confirm"):
        discard_draft(session, conversation, kind)
        return Outcome(cancelled_slots())
    if slot == "help_consent":
        if said == YES:
            start_draft(session, conversation, kind, lang, category)
            return Outcome({slot: YES})
        if said == NO:
            return Outcome(cancelled_slots())
        return Outcome({slot: None})
    draft = find_draft(session, conversation, kind)
    if draft is None:  # consent given in a conversation since forgotten: ask again
        return Outcome({"help_consent": None, slot: None})
    if slot == "help_confirm":
        return _confirm(text, said, kind)
    value, error = _read(slot, text, said, lang, today or date.today())
    if value is None:
        return Outcome({slot: None}, render(error, lang) if error else None)
    _store(draft, slot, value)
    session.commit()
    return Outcome({slot: value if slot in _KEEP_IN_SLOT else GIVEN})


# what the conversation may keep: codes; a personal answer is only "given" (the same list
# the tracker store masks, bot.safety.redact)
_KEEP_IN_SLOT = set(ALL_SLOTS) - PERSONAL_FORM_SLOTS


def _confirm(text: str, said: str | None, kind: str) -> Outcome:
    if text == "send" or said == YES:
        return Outcome({"help_confirm": YES})
    if text.startswith("change:") and text[7:] in SLOTS[kind] and text[7:] in FIELD_KEYS:
        return Outcome({text[7:]: None, "help_confirm": None})
    return Outcome({"help_confirm": None})


def _read(slot: str, text: str, said: str | None, lang: str,
          today: date) -> tuple[object, str | None]:
    """(value, error catalog key) for an answer to ``slot``."""
    if slot == "help_name":
        name = " ".join(text.split())
        ok = name.casefold() != GIVEN and 0 < len(name) <= 60 and not re.search(r"[\d@/\\<>{}]", name) \
            and len(name.split()) <= 4 and not name.startswith("/")
        return (name, None) if ok else (None, "help.bad_name")
    if slot == "help_contact":
        phone, email = uk_phone(text), email_address(text)
        if phone or email:
            return ({"phone": phone, "email": email}, None)
        return (None, "help.bad_contact")
    if slot == "help_time":
        if text.startswith("time:") and text[5:] in TIMES:
            return (text[5:], None)
        return ((" ".join(text.split())[:100] or None), None)
    if slot == "help_call_language":
        return (language_answer(text, lang) or (lang if said == YES else None), None)
    if slot == "help_interpreter_language":
        return (language_answer(text, lang, allow_bsl=True), None)
    if slot == "help_interpreter":
        return ({YES: YES, NO: NO}.get(said or ""), None)
    if slot == "help_need":
        code = text[5:] if text.startswith("need:") else None
        return (code if code in (*CATEGORIES, "none") else None, None)
    if slot == "help_date":
        if text == "date:unknown":
            return ("unknown", None)
        found = date_answer(text, today)
        return (found, None) if found else (None, "help.bad_date")
    if slot == "help_mode":
        mode = text[5:] if text.startswith("mode:") else None
        return (mode if mode in MODES else None, None)
    return (None, None)


def _store(draft: HelpRequest, slot: str, value: object) -> None:
    if slot == "help_name":
        draft.first_name = value
    elif slot == "help_contact":
        draft.phone, draft.email = value["phone"], value["email"]
    elif slot == "help_time":
        draft.best_time = value
    elif slot == "help_call_language":
        draft.call_language = value
    elif slot == "help_interpreter":
        draft.interpreter_needed = value == YES
    elif slot == "help_need":
        draft.need_category = None if value == "none" else value
    elif slot == "help_interpreter_language":
        draft.interpreter_language = value
    elif slot == "help_date":
        draft.appointment_date = None if value == "unknown" else value
    elif slot == "help_mode":
        draft.appointment_mode = value


def start_draft(session: Session, conversation: str, kind: str, lang: str,
                category: str | None) -> HelpRequest:
    discard_draft(session, conversation, kind)
    draft = HelpRequest(reference=new_reference(), kind=kind, status=DRAFT,
                        created=datetime.now(timezone.utc), conversation_id=conversation,
                        conversation_language=lang, first_name="", consent=True,
                        interpreter_needed=kind == "interpreter",
                        need_category=category if category in CATEGORIES else None)
    session.add(draft)
    session.commit()
    return draft


def discard_draft(session: Session, conversation: str, kind: str | None = None) -> int:
    """Delete the conversation's draft requests (of ``kind``, or all); returns how many."""
    query = select(HelpRequest).where(HelpRequest.conversation_id == conversation,
                                      HelpRequest.status == DRAFT)
    if kind is not None:
        query = query.where(HelpRequest.kind == kind)
    drafts = session.execute(query).scalars().all()
    for draft in drafts:
        session.delete(draft)
    session.commit()
    return len(drafts)


def forget_unfinished_request(sessions, conversation: str) -> list[str]:
    """A form interrupted (a crisis message ends it): its draft deleted, and the form slots
    to clear, so asking again starts from consent rather than from stale answers."""
    discard_conversation_drafts(sessions, conversation)
    return list(ALL_SLOTS)


def discard_conversation_drafts(sessions, conversation: str) -> int:
    """"Delete this conversation": any half-filled request of it goes too (requests already
    sent stay: the council is acting on them)."""
    with sessions() as session:
        return discard_draft(session, conversation)


def required_slots(kind: str, slots: dict) -> list[str]:
    """The form's questions still to ask: none once cancelled or refused; the need is not
    asked when the conversation already knows it."""
    if CANCEL in (slots.get(s) for s in ALL_SLOTS):
        return []
    wanted = list(SLOTS[kind])
    if kind == "callback" and slots.get("category") in CATEGORIES:
        wanted.remove("help_need")
    return wanted


def submit(kind: str, lang: str, conversation: str, session: Session,
           slots: dict) -> str:
    """Send the request (its reference in the reply) or confirm that nothing was kept."""
    draft = find_draft(session, conversation, kind)
    if slots.get("help_confirm") != YES or draft is None or not draft.first_name \
            or not (draft.phone or draft.email):
        discard_draft(session, conversation, kind)
        return render("help.cancelled", lang)
    draft.status, draft.created = OPEN, datetime.now(timezone.utc)
    if kind == "callback" and draft.need_category is None \
            and slots.get("category") in CATEGORIES:
        draft.need_category = slots["category"]
    session.commit()
    return render(f"help.sent_{kind}", lang, reference=draft.reference)


def purge_abandoned_drafts(session: Session, hours: float = 24,
                           now: datetime | None = None) -> int:
    """Drafts (a form left half-way) are deleted after ``hours``."""
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(hours=hours)
    rows = [r for r in session.execute(select(HelpRequest).where(
        HelpRequest.status == DRAFT)).scalars()
        if as_utc(r.created) < cutoff]
    for row in rows:
        session.delete(row)
    session.commit()
    return len(rows)


# --- turns for the action server (actions/help_requests.py) ---------------------------------

def kind_of_form(active_loop: str | None) -> str | None:
    return next((kind for kind, form in FORMS.items() if form == active_loop), None)


def ask_message(slot: str, kind: str, lang: str, conversation: str, sessions,
                slots: dict | None = None) -> dict:
    with sessions() as session:
        draft = find_draft(session, conversation, kind) if slot == "help_confirm" else None
        return question(slot, kind, lang, draft,
                        need_was_asked="help_need" in required_slots(kind, slots or {}))


def validate_answers(answers: dict, kind: str, lang: str, conversation: str, sessions,
                     category: str | None) -> tuple[dict, list[str]]:
    """Validate the answers just given: (slots to set, messages to show)."""
    slots: dict = {}
    messages: list[str] = []
    with sessions() as session:
        for slot, value in answers.items():
            if slot not in ALL_SLOTS or value == CANCEL:
                continue
            outcome = validate(slot, str(value), kind, lang, conversation, session, category)
            slots.update(outcome.slots)
            if outcome.message:
                messages.append(outcome.message)
    return slots, messages


def submit_message(kind: str, lang: str, conversation: str, sessions, slots: dict) -> str:
    with sessions() as session:
        return submit(kind, lang, conversation, session, slots)
