"""Live directory feeds against a local stub ORUK API server (issue 6): paging, upsert by id,
services missing from the feed marked inactive (not deleted), retry with back-off on 5xx, 429
and time-outs, and resuming an interrupted import from the page that failed."""
from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy.orm import Session

from bot.cli import main
from bot.directory.importer import ImportFileError, import_url
from bot.directory.models import ACTIVE, INACTIVE, FeedImport, Service
from directory.oruk_factories import envelope, fixture_services


class StubFeed:
    """An ORUK 3.0 /services API on localhost. ``pages``: the records of each page;
    ``failures``: page number → list of things to do before answering (status or "slow")."""

    def __init__(self, pages: list[list[dict]]):
        self.pages = pages
        self.failures: dict[int, list] = {}
        self.requests: Counter = Counter()
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def do_GET(self):
                number = int(parse_qs(urlparse(self.path).query).get("page", ["1"])[0])
                feed.requests[number] += 1
                todo = feed.failures.get(number) or []
                if todo:
                    action = todo.pop(0)
                    if action == "slow":
                        time.sleep(1.5)
                    else:
                        self.send_response(action)
                        if action == 429:
                            self.send_header("Retry-After", "0")
                        self.end_headers()
                        return
                records = feed.pages[number - 1]
                body = {**envelope(records), "page_number": number,
                        "total_pages": len(feed.pages), "first_page": number == 1,
                        "last_page": number == len(feed.pages)}
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/services"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def feed(monkeypatch):
    monkeypatch.setenv("IMPORT_BACKOFF", "0")
    monkeypatch.setenv("IMPORT_TIMEOUT", "1")
    records = fixture_services()
    stub = StubFeed([records[:2], records[2:4], records[4:]])
    yield stub
    stub.close()


def _status(session: Session) -> dict[str, str]:
    session.expire_all()
    return {s.id: s.status for s in session.query(Service)}


def test_sync_pages_through_and_marks_services_gone_from_the_feed_inactive(session, feed):
    report = import_url(session, feed.url)
    assert (report.created, report.updated, report.pages, report.deactivated) == (6, 0, 3, 0)
    active_before = list(_status(session).values()).count(ACTIVE)
    gone = feed.pages[1].pop()  # the council stops listing one (active) service
    assert gone.get("status", ACTIVE) == ACTIVE
    again = import_url(session, feed.url)
    assert (again.created, again.updated, again.deactivated) == (0, 5, 1)
    status = _status(session)
    assert status[gone["id"]] == INACTIVE and len(status) == 6  # kept, not deleted
    assert list(status.values()).count(ACTIVE) == active_before - 1
    feed.pages[1].append(gone)  # listed again: active again
    import_url(session, feed.url)
    assert _status(session)[gone["id"]] == ACTIVE


def test_services_from_elsewhere_are_not_touched_by_a_feed(session, feed):
    feed.pages = [feed.pages[0]]
    import_url(session, feed.url)
    other = StubFeed([fixture_services()[2:3]])
    try:
        import_url(session, other.url)
        feed.pages = [[]]
        assert import_url(session, feed.url).deactivated == 2
        assert _status(session)[fixture_services()[2]["id"]] == ACTIVE  # the other feed's
    finally:
        other.close()


def test_transient_failures_are_retried(session, feed):
    feed.failures = {1: [503, 429], 2: ["slow"], 3: [502]}
    report = import_url(session, feed.url)
    assert report.created == 6
    assert feed.requests == Counter({1: 3, 2: 2, 3: 2})


def test_an_interrupted_import_resumes_from_the_page_that_failed(session, feed, capsys,
                                                                 monkeypatch, sqlite_url):
    feed.failures = {2: [500] * 10}
    with pytest.raises(ImportFileError, match=r"page 2.*--resume"):
        import_url(session, feed.url)
    assert session.get(FeedImport, feed.url).next_page == 2
    assert len(_status(session)) == 2  # page 1 kept
    feed.failures = {}
    feed.requests.clear()
    report = import_url(session, feed.url, resume=True)
    assert report.resumed_from == 2 and report.created == 4 and report.deactivated == 0
    assert feed.requests[1] == 0  # page 1 was not fetched again
    assert session.get(FeedImport, feed.url) is None  # finished: nothing left to resume


def test_import_command_reports_counts_and_resumes(feed, capsys, monkeypatch, sqlite_url):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    feed.failures = {3: [500] * 10}
    assert main(["import", feed.url]) == 2
    assert "--resume" in capsys.readouterr().err
    feed.failures = {}
    assert main(["import", feed.url, "--resume"]) == 0
    out = capsys.readouterr().out
    assert "6 imported" not in out and "2 imported (2 new, 0 updated)" in out
    assert "resumed at page 3" in out and "0 no longer in the feed marked inactive" in out


def test_a_feed_longer_than_allowed_deactivates_nothing_and_can_resume(session, feed):
    import_url(session, feed.url)
    with pytest.raises(ImportFileError, match="more than 2 pages"):
        import_url(session, feed.url, max_pages=2)
    assert INACTIVE not in set(_status(session).values()) - {INACTIVE} and \
        list(_status(session).values()).count(ACTIVE) >= 5
    assert session.get(FeedImport, feed.url).next_page == 3
    assert import_url(session, feed.url, resume=True).deactivated == 0


def test_a_record_rejected_this_time_is_not_marked_gone(session, feed):
    import_url(session, feed.url)
    broken = dict(feed.pages[0][0])
    broken["name"] = None  # fails validation this time; the feed still lists it
    feed.pages[0][0] = broken
    report = import_url(session, feed.url)
    assert report.errors and report.deactivated == 0
    assert _status(session)[broken["id"]] == ACTIVE
