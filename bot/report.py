"""Equity report for staff (issue 5): which communities use the assistant, what they ask for,
and where it fails them — ``python -m bot report --since DATE`` writes an HTML page with charts
and a CSV.

Read from the stored conversations (already masked, bot.tracker_store) and the request table.
Every count from 1 to 4 is shown as "<5" (and left out of the charts) so that no resident can
be picked out; unanswered questions are listed only when at least 5 conversations asked them.
"""
from __future__ import annotations

import base64
import csv
import html
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from bot.directory.models import HelpRequest
from bot.i18n.languages import configured_languages
from bot.requests import as_utc
from bot.safety.redact import redact_text

SMALLEST_SHOWN = 5
SUPPRESSED = "<5"
UNANSWERED_INTENTS = {"nlu_fallback", "out_of_scope"}
TOP_QUESTIONS = 20


@dataclass
class Conversation:
    language: str = "en"
    needs: set[str] = field(default_factory=set)
    fallback: bool = False
    no_service: bool = False
    crisis: bool = False
    unanswered: list[str] = field(default_factory=list)


@dataclass
class ReportData:
    since: date
    conversations: dict[str, Conversation]
    requests: Counter  # (kind, language) -> count


def shown(count: int) -> int | str:
    """A count as the report shows it: 1-4 suppressed."""
    return SUPPRESSED if 0 < count < SMALLEST_SHOWN else count


def _read_event(conversation: Conversation, event: dict) -> None:
    kind = event.get("event")
    if kind == "slot" and event.get("name") in ("language", "detected_language") \
            and isinstance(event.get("value"), str):
        if event["name"] == "language" or conversation.language == "en":
            conversation.language = event["value"]
    elif kind == "slot" and event.get("name") == "listed_services" and event.get("value") == []:
        conversation.no_service = True
    elif kind == "user":
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
        if intent.startswith("need_"):
            conversation.needs.add(intent[5:])
        if intent in UNANSWERED_INTENTS:
            conversation.fallback = True
            said = " ".join(str(event.get("text") or "").split())
            if said and not said.startswith("/"):
                conversation.unanswered.append(redact_text(said).casefold()[:200])
    elif kind == "action":
        if event.get("name") == "utter_default":
            conversation.fallback = True
        elif event.get("name") == "utter_crisis":
            conversation.crisis = True


def read_conversations(tracker_url: str, since: date) -> dict[str, Conversation]:
    """Conversations with any event since ``since`` (midnight UTC), from the events table."""
    start = datetime.combine(since, time.min, tzinfo=timezone.utc).timestamp()
    engine = create_engine(tracker_url)
    conversations: dict[str, Conversation] = defaultdict(Conversation)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT sender_id, data FROM events WHERE timestamp >= :start ORDER BY id"),
                {"start": start})
            for sender, data in rows:
                try:
                    _read_event(conversations[sender], json.loads(data))
                except (ValueError, TypeError, AttributeError):
                    continue  # an unreadable event is skipped, not fatal
    finally:
        engine.dispose()
    return dict(conversations)


def read_requests(session: Session, since: date) -> Counter:
    start = datetime.combine(since, time.min, tzinfo=timezone.utc)
    counts: Counter = Counter()
    for row in session.execute(select(HelpRequest).where(HelpRequest.status != "draft")) \
            .scalars():
        if as_utc(row.created) >= start:
            language = row.interpreter_language if row.kind == "interpreter" \
                else (row.call_language or row.conversation_language)
            counts[(row.kind, language or row.conversation_language)] += 1
    return counts


# --- tables ----------------------------------------------------------------------------------

@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list]  # first cell a label, the rest counts or shares (already suppressed)


def _language_label(code: str) -> str:
    language = configured_languages().get(code)
    return f"{language.name} ({code})" if language else code


def build_tables(data: ReportData) -> list[Table]:
    by_language: dict[str, list[Conversation]] = defaultdict(list)
    for conversation in data.conversations.values():
        by_language[conversation.language].append(conversation)
    languages = sorted(by_language, key=lambda code: (-len(by_language[code]), code))
    tables = [Table("Conversations by language", ["Language", "Conversations"],
                    [[_language_label(c), shown(len(by_language[c]))] for c in languages])]
    needs = sorted({need for c in data.conversations.values() for need in c.needs})
    tables.append(Table("Needs asked for, by language", ["Need", *map(_language_label,
                                                                        languages)],
                        [[need, *[shown(sum(need in c.needs for c in by_language[code]))
                                  for code in languages]] for need in needs]))
    share_rows = []
    for code in languages:
        group = by_language[code]
        total = len(group)
        fallback = sum(c.fallback for c in group)
        none = sum(c.no_service for c in group)
        share_rows.append([_language_label(code), shown(total), _share(fallback, total),
                           _share(none, total)])
    tables.append(Table("Where the assistant did not help", [
        "Language", "Conversations", "Not understood (share)", "No service found (share)"],
        share_rows))
    tables.append(Table("Crisis replies given", ["Language", "Conversations with a crisis reply"],
                        [[_language_label(c), shown(sum(x.crisis for x in by_language[c]))]
                         for c in languages]))
    kinds = sorted({kind for kind, _ in data.requests})
    request_languages = sorted({lang for _, lang in data.requests})
    tables.append(Table("Callback and interpreter requests, by language",
                        ["Language", *kinds],
                        [[_language_label(lang), *[shown(data.requests[(k, lang)])
                                                   for k in kinds]]
                         for lang in request_languages]))
    questions: Counter = Counter()
    for conversation in data.conversations.values():
        questions.update(set(conversation.unanswered))
    top = [[question, count] for question, count in questions.most_common()
           if count >= SMALLEST_SHOWN][:TOP_QUESTIONS]
    tables.append(Table(f"Top unanswered questions (asked in at least {SMALLEST_SHOWN} "
                        "conversations; personal data masked)", ["Question", "Conversations"],
                        top))
    return tables


def _share(part: int, total: int) -> str:
    """A share, unless the part or the whole is too small to show."""
    if total < SMALLEST_SHOWN or 0 < part < SMALLEST_SHOWN:
        return SUPPRESSED if total else "0%"
    return f"{100 * part / total:.0f}%"


# --- output ----------------------------------------------------------------------------------

def _chart(table: Table) -> str | None:
    """A bar chart of a table's first count column as a data: URI (suppressed cells left out)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = [(str(row[0]), row[1]) for row in table.rows if isinstance(row[1], int)]
    if not points:
        return None
    figure, axis = plt.subplots(figsize=(7, 0.45 * len(points) + 1.2))
    axis.barh([p[0] for p in points][::-1], [p[1] for p in points][::-1], color="#1d4f91")
    axis.set_xlabel(table.columns[1])
    axis.set_title(table.title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def render_html(data: ReportData, tables: list[Table]) -> str:
    style = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem}"
             "table{border-collapse:collapse;margin-bottom:1.5rem}"
             "th,td{border:1px solid #888;padding:.3rem .6rem;text-align:left}"
             "img{max-width:100%}")
    intro = (f"{len(data.conversations)} conversations in all. Counts from 1 to 4 are shown "
             "as &lt;5 and left out of the charts, so no resident can be picked out.")
    parts = ["<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">",
             f"<title>Harrow Support Assistant: equity report since {data.since}</title>",
             f"<style>{style}</style></head><body><main>",
             f"<h1>Equity report: conversations since {data.since}</h1>", f"<p>{intro}</p>"]
    for index, table in enumerate(tables):
        parts.append(f"<h2>{html.escape(table.title)}</h2>")
        chart = _chart(table) if index in (0, 3, 4) else None
        if chart:
            parts.append(f'<img src="{chart}" alt="Bar chart: {html.escape(table.title)}">')
        if not table.rows:
            parts.append("<p>None.</p>")
            continue
        head = "".join(f"<th scope=\"col\">{html.escape(str(c))}</th>" for c in table.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row)
                       + "</tr>" for row in table.rows)
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    parts.append("</main></body></html>")
    return "\n".join(parts)


def render_csv(tables: list[Table]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["table", "row", "column", "value"])
    for table in tables:
        for row in table.rows:
            for column, cell in zip(table.columns[1:], row[1:]):
                label = str(row[0])
                writer.writerow([table.title, "'" + label if label[:1] in "=+-@" else label,
                                 column, cell])
    return out.getvalue()


def write_report(tracker_url: str, session: Session, since: date, out_dir: Path) -> Path:
    """Write report.html and report.csv into ``out_dir``; returns the HTML path."""
    data = ReportData(since, read_conversations(tracker_url, since),
                      read_requests(session, since))
    tables = build_tables(data)
    out_dir.mkdir(parents=True, exist_ok=True)
    page = out_dir / "report.html"
    page.write_text(render_html(data, tables), encoding="utf-8")
    (out_dir / "report.csv").write_text(render_csv(tables), encoding="utf-8-sig")
    return page
