"""Server side of the web chat widget: forgetting a conversation, the widget's words in each
language, the files served at /chat/ and the reply contract the cards are built from."""
from __future__ import annotations

import asyncio
import re
import time
import uuid

import pytest
import yaml
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import (
    AwaitableTrackerStore,
    FailSafeTrackerStore,
    InMemoryTrackerStore,
    RedisTrackerStore,
    SQLTrackerStore,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot.channels.webchat import forget_reply
from bot.channels.widget_files import PAGE_POLICY, file_response
from bot.conversations import CannotForget, forget_conversation, underlying_store
from bot.i18n.catalog import SOURCE_LANGUAGE, load_catalog, render
from bot.i18n.languages import full_support_languages
from bot.web import STATIC_FILES, WEB_DIR, widget_strings
from tests.conftest import unavailable

DOMAIN = Domain.from_dict({"slots": {"language": {"type": "text", "mappings": []}}})
WIDGET_BUDGET = 60 * 1024


def _tracker(sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update(UserUttered("my phone is 020 7946 0123", timestamp=time.time()))
    tracker.update(SlotSet("language", "ro"))
    return tracker


async def _keep_two_and_forget_one(store) -> tuple:
    keep, forget = f"web-keep-{uuid.uuid4().hex}", f"web-forget-{uuid.uuid4().hex}"
    for sender in (keep, forget):
        await store.save(_tracker(sender))
    deleted = await forget_conversation(store, forget)
    again = await forget_conversation(store, forget)
    result = (deleted, again, await store.retrieve(forget), await store.retrieve(keep))
    await forget_conversation(store, keep)  # leave a shared database as it was
    return result


def _check_forgetting(store) -> None:
    deleted, again, forgotten, kept = asyncio.run(_keep_two_and_forget_one(store))
    assert deleted > 0 and again == 0
    assert forgotten is None
    assert kept is not None and kept.get_slot("language") == "ro"


def test_forgetting_in_the_sqlite_tracker_store(tmp_path):
    _check_forgetting(SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db")))


def test_forgetting_in_the_in_memory_store_through_rasas_wrappers():
    store = AwaitableTrackerStore(FailSafeTrackerStore(InMemoryTrackerStore(DOMAIN)))
    assert isinstance(underlying_store(store), InMemoryTrackerStore)
    _check_forgetting(store)


def test_forgetting_in_postgresql(pg_server):
    url = make_url(pg_server)
    store = SQLTrackerStore(DOMAIN, dialect="postgresql", host=url.host, port=url.port or 5432,
                            db=url.database, username=url.username, password=url.password)
    _check_forgetting(store)


def test_forgetting_in_redis():
    store = RedisTrackerStore(DOMAIN, host="127.0.0.1", port=6379, db=15)
    try:
        store.red.ping()
    except Exception as err:  # noqa: BLE001 - any connection failure
        unavailable(f"Redis is not running on 127.0.0.1:6379 ({err})")
    _check_forgetting(store)


class _Agent:
    def __init__(self, tracker_store):
        self.tracker_store = tracker_store
        self.lock_store = InMemoryLockStore()


def test_forget_endpoint_says_when_the_store_cannot_forget():
    class OddStore:
        domain = DOMAIN

    with pytest.raises(CannotForget):
        asyncio.run(forget_conversation(OddStore(), "web-x"))
    reply = asyncio.run(forget_reply(_Agent(OddStore()), "web-x"))
    assert reply.status == 501 and b"cannot delete" in reply.body


def test_forget_endpoint_deletes_and_reports(tmp_path):
    store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    asyncio.run(store.save(_tracker("web-1")))
    reply = asyncio.run(forget_reply(_Agent(store), "web-1"))
    assert reply.status == 200 and b'"deleted":true' in reply.body
    assert asyncio.run(store.retrieve("web-1")) is None


# --- the widget's words ------------------------------------------------------------------

def test_widget_words_exist_in_every_full_support_language():
    english = {k for k in load_catalog(SOURCE_LANGUAGE).entries if k.startswith("widget.")}
    assert len(english) >= 30
    for lang in full_support_languages():
        missing = english - set(load_catalog(lang).entries)
        assert not missing, f"{lang} lacks {sorted(missing)}"


def test_widget_strings_for_arabic_are_arabic_and_right_to_left():
    data = widget_strings("ar")
    assert data["language"] == "ar" and data["dir"] == "rtl"
    assert data["strings"]["send"] == render("widget.send", "ar") != render("widget.send")
    assert data["strings"]["open_now"] == render("service.open_now", "ar")
    assert data["language_names"]["ro"] == render("language.ro", "ar")
    assert data["access_labels"]["wheelchair access"] == render("access.wheelchair", "ar")
    assert "020 7946" in data["contact"]
    picker = {entry["code"]: entry for entry in data["languages"]}
    assert list(picker) == full_support_languages()
    assert picker["ur"] == {"code": "ur", "name": "اردو", "dir": "rtl"}
    assert picker["gu"]["name"] == "ગુજરાતી" and picker["ta"]["name"] == "தமிழ்"


@pytest.mark.parametrize("asked", ["xx", None, 5, "es", "../en", ""])
def test_widget_strings_for_anything_else_are_english(asked):
    assert widget_strings(asked)["language"] == "en"


def test_the_scripts_english_fallback_matches_the_catalog():
    """widget.js carries English words for when the server cannot be reached; they must be
    the catalog's (the catalog is what translators review)."""
    script = (WEB_DIR / "widget.js").read_text(encoding="utf-8")
    block = script[script.index("var EN = {"):script.index("};", script.index("var EN = {"))]
    pairs = dict(re.findall(r'(\w+): "((?:[^"\\]|\\.)*)"', block))
    expected = {k: v for k, v in widget_strings("en")["strings"].items()}
    assert pairs == expected


# --- files ---------------------------------------------------------------------------------

def test_widget_script_and_styles_stay_under_60_kb():
    size = sum((WEB_DIR / name).stat().st_size for name in ("widget.js", "widget.css"))
    assert size < WIDGET_BUDGET, f"widget is {size} bytes"


def test_only_listed_files_are_served_and_the_demo_page_is_locked_down():
    page = file_response("index.html")
    assert page.status == 200 and page.headers["Content-Security-Policy"] == PAGE_POLICY
    assert "script-src 'self'" in PAGE_POLICY and "unsafe-inline" not in PAGE_POLICY
    script = file_response("widget.js")
    assert script.content_type.startswith("text/javascript")
    assert script.headers["X-Content-Type-Options"] == "nosniff"
    for name in ("../cli.py", "__init__.py", "", "widget.js.map", "index.html/"):
        assert file_response(name).status == 404
    assert set(STATIC_FILES) == {p.name for p in WEB_DIR.iterdir()
                                 if p.suffix in (".html", ".css", ".js")}


def test_demo_page_has_no_inline_script_and_embeds_the_widget():
    html = (WEB_DIR / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<script[^>]*>", html) == ['<script src="widget.js" defer>']
    assert 'lang="en"' in html and "<main" in html and "<h1>" in html
    assert "data-server=" in html  # the documented embed snippet


def test_credentials_register_the_widget_and_its_channel():
    credentials = yaml.safe_load((WEB_DIR.parents[1] / "credentials.yml").read_text())
    assert "bot.channels.webchat.WebChatInput" in credentials
    assert "bot.channels.widget_files.WidgetFiles" in credentials
