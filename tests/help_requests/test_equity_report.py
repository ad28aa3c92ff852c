"""The equity report renders from a seeded database, and small counts are suppressed."""
from __future__ import annotations

import asyncio
import csv
import io
import time
from datetime import date, datetime, timezone

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.report import (
    SUPPRESSED,
    ReportData,
    build_tables,
    read_conversations,
    read_requests,
    shown,
    write_report,
)
from bot.requests import NewRequest, store_request
from bot.tracker_store import RedactingSQLTrackerStore

DOMAIN = Domain.from_dict({"slots": {
    name: {"type": "text", "mappings": []} for name in ("language", "detected_language")}
    | {"listed_services": {"type": "list", "mappings": []}}})


def _conversation(sender, lang, intent, text, when, listed=("s1",), crisis=False):
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update(UserUttered(text, intent={"name": intent, "confidence": 1.0},
                               parse_data={"text": text, "intent": {"name": intent}},
                               timestamp=when))
    tracker.update(SlotSet("language", lang, timestamp=when))
    if intent.startswith("need_"):
        tracker.update(SlotSet("listed_services", list(listed), timestamp=when))
    if intent == "nlu_fallback":
        tracker.update(ActionExecuted("utter_default", timestamp=when))
    if crisis:
        tracker.update(ActionExecuted("utter_crisis", timestamp=when))
    return tracker


def _seed(tmp_path):
    path = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(path))
    now = time.time()
    conversations = (
        [_conversation(f"ro-{i}", "ro", "need_carers", "ajutor îngrijitor", now)
         for i in range(7)]
        + [_conversation(f"so-{i}", "so", "need_carers", "caawimo", now, listed=())
           for i in range(3)]
        + [_conversation(f"en-{i}", "en", "nlu_fallback",
                         "can you renew my bus pass, call 07700 900123", now)
           for i in range(6)]
        + [_conversation(f"ar-{i}", "ar", "nlu_fallback", "سؤال نادر", now) for i in range(2)]
        + [_conversation("ta-crisis", "ta", "crisis", "...", now, crisis=True)]
        + [_conversation("old", "pl", "need_carers", "stare", now - 90 * 86400)])
    for tracker in conversations:
        asyncio.run(store.save(tracker))
    return f"sqlite:///{path}"


def test_counts_under_five_are_suppressed():
    assert [shown(n) for n in (0, 1, 4, 5, 12)] == [0, SUPPRESSED, SUPPRESSED, 5, 12]


def test_report_from_a_seeded_database(tmp_path, session):
    tracker_url = _seed(tmp_path)
    since = date.today().replace(day=1) if date.today().day > 1 else date.today()
    for i in range(6):
        store_request(session, NewRequest(kind="callback", first_name=f"R{i}",
                                          conversation_language="ro", consent=True,
                                          phone="07700 900123", call_language="ro"),
                      now=datetime.now(timezone.utc))
    store_request(session, NewRequest(kind="interpreter", first_name="S",
                                      conversation_language="en", consent=True,
                                      email="s@example.org", interpreter_language="bsl"),
                  now=datetime.now(timezone.utc))
    conversations = read_conversations(tracker_url, since)
    assert "old" not in conversations  # before --since
    data = ReportData(since, conversations, read_requests(session, since))
    tables = {t.title.split(" (")[0]: t for t in build_tables(data)}
    by_language = dict(map(tuple, tables["Conversations by language"].rows))
    assert by_language["Romanian (ro)"] == 7 and by_language["English (en)"] == 6
    assert by_language["Somali (so)"] == SUPPRESSED and by_language["Arabic (ar)"] == SUPPRESSED
    failing = {row[0]: row for row in tables["Where the assistant did not help"].rows}
    assert failing["English (en)"][2] == "100%"
    assert failing["Somali (so)"][3] == SUPPRESSED  # 3 of 3 found nothing: too few to show
    requests = {row[0]: row[1:] for row in
                tables["Callback and interpreter requests, by language"].rows}
    assert requests["Romanian (ro)"] == [6, 0] and requests["bsl"] == [0, SUPPRESSED]
    top = tables["Top unanswered questions"].rows
    assert top == [["can you renew my bus pass, call [phone]", 6]]  # masked; the rare one not

    page = write_report(tracker_url, session, since, tmp_path / "out")
    html = page.read_text(encoding="utf-8")
    assert "<img src=\"data:image/png;base64," in html and "&lt;5" in html
    assert "07700" not in html and "سؤال نادر" not in html
    rows = list(csv.DictReader(io.StringIO(
        (tmp_path / "out" / "report.csv").read_text(encoding="utf-8-sig"))))
    assert {"table", "row", "column", "value"} == set(rows[0])
    assert all(r["value"] not in {"1", "2", "3", "4"} for r in rows)


def test_report_command(tmp_path, monkeypatch, capsys):
    from bot.cli import main

    tracker_url = _seed(tmp_path)
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("tracker_store:\n  type: bot.tracker_store.RedactingSQLTrackerStore\n"
                         f"  dialect: sqlite\n  db: {tracker_url[10:]}\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'directory.db'}")
    assert main(["report", "--since", "2026-01-01", "--out", str(tmp_path / "r"),
                 "--endpoints", str(endpoints)]) == 0
    assert (tmp_path / "r" / "report.html").exists() and "wrote" in capsys.readouterr().out
    assert main(["report", "--since", "last week"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
