"""The web chat widget in a real browser (Debian's Chromium driven by Playwright) against the
real servers: what a resident sees and does, with a mouse, with the keyboard only, in English,
Romanian and Arabic, and what axe-core says about its accessibility.

Screenshots (1280 px and 320 px wide) go to test-artifacts/browser/ for a person to look at.
Without Chromium, Playwright or axe-core (``make test`` installs them) these tests skip on a
laptop and fail on CI.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.i18n.catalog import render
from bot.paths import REPO_ROOT
from tests.conftest import unavailable
from tests.live.conftest import ARTIFACTS as SERVER_ARTIFACTS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = REPO_ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "browser"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
LAUNCHER = "Chat with the Harrow Support Assistant"
WEBHOOK = "**/webhooks/webchat/webhook"


# Module scope: Playwright's sync API keeps an event loop running in this thread while it is
# open, which would break later tests that call asyncio.run().
@pytest.fixture(scope="module")
def browser() -> Iterator:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (make test installs it)")
    if not Path(CHROMIUM).exists():
        unavailable("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-background-networking",
                  "--disable-component-update"])
        yield browser
        browser.close()


class Widget:
    """The demo page with the widget, as one resident's browser tab."""

    def __init__(self, page, url: str):
        self.page = page
        self.url = url
        self.errors: list[str] = []
        page.on("pageerror", lambda err: self.errors.append(str(err)))
        page.goto(url)

    def open(self) -> None:
        self.page.get_by_role("button", name=LAUNCHER).click()

    @property
    def log(self):
        return self.page.get_by_role("log")

    def bot_messages(self):
        return self.page.locator(".hsa-bot:not(.hsa-notice)")

    def ask(self, text: str, expect_replies: int = 1) -> None:
        before = self.bot_messages().count()
        self.page.locator("#hsa-input").fill(text)
        self.page.keyboard.press("Enter")
        self.wait_for_bot(before + expect_replies)

    def wait_for_bot(self, count: int) -> None:
        self.page.wait_for_function(
            "n => document.querySelectorAll('.hsa-bot:not(.hsa-notice)').length >= n", arg=count,
            timeout=30_000)

    def axe_violations(self) -> list[dict]:
        if not AXE.exists():
            unavailable("axe-core is not installed (npm ci --prefix tests/browser)")
        self.page.evaluate(AXE.read_text(encoding="utf-8"))
        return self.page.evaluate(
            "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
            ".violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.html)}))",
            WCAG_TAGS)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


@pytest.fixture
def widget(browser, servers) -> Iterator[Widget]:
    # bypass_csp only so that axe-core can be injected into the demo page's strict policy
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    tab = Widget(page, f"{servers.rasa_url}/chat/")
    yield tab
    assert tab.errors == [], f"script errors in the page: {tab.errors}"
    context.close()


def test_english_question_shows_service_cards_and_axe_finds_nothing(widget):
    widget.open()
    widget.ask("I need an interpreter for my mum's GP appointment")
    cards = widget.page.locator(".hsa-card")
    assert cards.count() >= 2
    first = cards.first
    assert first.get_by_role("heading").inner_text().strip()
    assert first.locator("a[href^='tel:']").count() == 1
    assert first.locator("a[href^='mailto:']").count() == 1
    assert first.locator("a[href*='openstreetmap.org']").count() == 1
    assert "Sample data" in first.inner_text()  # the bundled directory says it is sample data
    assert widget.page.locator(".hsa-card .hsa-open, .hsa-card .hsa-closed").count() >= 1
    widget.screenshot("english-1280")
    assert widget.axe_violations() == []
    widget.page.set_viewport_size({"width": 320, "height": 640})
    widget.screenshot("english-320")
    assert widget.axe_violations() == []
    overflow = widget.page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 320, "the page scrolls sideways at 320 px"


def test_romanian_question_is_answered_in_romanian_and_the_widget_follows(widget):
    widget.open()
    widget.ask("Am nevoie de un interpret pentru mama mea la doctor, vă rog")
    reply = widget.bot_messages().first
    assert reply.get_attribute("lang") == "ro"
    assert reply.get_attribute("dir") == "ltr"
    assert widget.page.locator(".hsa-card").count() >= 1
    # the widget's own words switch to Romanian too
    widget.page.wait_for_function(
        "document.getElementById('hsa-root').getAttribute('lang') === 'ro'")
    assert widget.page.locator(".hsa-form button").inner_text() == render("widget.send", "ro")
    assert widget.page.locator(".hsa-privacy").inner_text() == render("widget.privacy", "ro")
    widget.screenshot("romanian-1280")
    assert widget.axe_violations() == []


def test_keyboard_only_open_quick_reply_and_escape(widget):
    page = widget.page
    launcher = page.get_by_role("button", name=LAUNCHER)
    for _ in range(40):  # Tab through the demo page until the launcher has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('hsa-launcher')"):
            break
    else:
        pytest.fail("the launcher cannot be reached with Tab")
    assert launcher.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "hsa-input"
    page.keyboard.type("Is there support for carers?")
    page.keyboard.press("Enter")
    widget.wait_for_bot(1)
    quick = page.locator(".hsa-buttons button:not([disabled])")
    assert quick.count() >= 1, "no quick replies offered after a services reply"
    title = quick.first.inner_text()
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.hsa-buttons') !== null"):
            break
    else:
        pytest.fail("no quick reply reachable with Tab")
    focused = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                            " return [s.outlineStyle, s.outlineWidth]; })()")
    assert focused[0] != "none" and focused[1] != "0px", "no visible focus on a quick reply"
    before = widget.bot_messages().count()
    page.keyboard.press("Space")
    widget.wait_for_bot(before + 1)
    assert page.locator(".hsa-user").last.inner_text().endswith(title)
    assert page.evaluate("document.activeElement.id") == "hsa-input"
    page.keyboard.press("Escape")
    assert page.locator("#hsa-panel").is_hidden()
    assert page.evaluate("document.activeElement.classList.contains('hsa-launcher')")
    assert launcher.get_attribute("aria-expanded") == "false"


def test_language_picker_arabic_reply_is_right_to_left(widget):
    page = widget.page
    widget.open()
    page.locator(".hsa-tools button[aria-controls='hsa-langs']").click()
    names = page.locator("#hsa-langs button").all_inner_texts()
    for own_name in ("Română", "ગુજરાતી", "தமிழ்", "اردو", "العربية", "Soomaali"):
        assert own_name in names
    arabic = page.locator("#hsa-langs button[lang='ar']")
    arabic.focus()
    page.keyboard.press("Enter")
    widget.wait_for_bot(1)
    reply = widget.bot_messages().last
    assert reply.get_attribute("lang") == "ar"
    assert reply.get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('.hsa-bot:last-child'))"
                         ".direction") == "rtl"
    page.wait_for_function("document.getElementById('hsa-root').getAttribute('dir') === 'rtl'")
    widget.ask("أحتاج مترجم للغة العربية في موعد الطبيب")
    assert widget.bot_messages().last.get_attribute("dir") == "rtl"
    assert page.locator(".hsa-user p").last.get_attribute("dir") == "auto"
    widget.screenshot("arabic-1280")
    page.set_viewport_size({"width": 320, "height": 640})
    widget.screenshot("arabic-320")
    assert widget.axe_violations() == []


def _tracker_events(sender: str) -> int:
    with sqlite3.connect(SERVER_ARTIFACTS / "tracker.db") as db:
        return db.execute("SELECT count(*) FROM events WHERE sender_id = ?",
                          (sender,)).fetchone()[0]


def test_delete_conversation_clears_the_tab_and_the_server(widget):
    page = widget.page
    widget.open()
    widget.ask("I look after my dad and need some support as a carer")
    sender = page.evaluate("window.HarrowSupportAssistant.sender()")
    assert _tracker_events(sender) > 0
    assert sender in page.evaluate("sessionStorage.getItem('hsa-conversation')")
    page.get_by_role("button", name="Delete this conversation").click()
    page.get_by_role("button", name="Yes, delete it").click()
    page.wait_for_function("document.querySelector('.hsa-typing').textContent.includes("
                           "'The conversation has been deleted')")
    assert _tracker_events(sender) == 0
    assert page.locator(".hsa-user").count() == 0
    assert page.locator(".hsa-card").count() == 0
    stored = json.loads(page.evaluate("sessionStorage.getItem('hsa-conversation') || 'null'"))
    assert stored is None or (stored["messages"] == [] and stored["sender"] != sender)
    assert page.evaluate("localStorage.length") == 0


def test_conversation_survives_a_reload_but_not_a_new_browser(widget, browser, servers):
    widget.open()
    widget.ask("Where can I get help from the council face to face?")
    widget.page.reload()
    assert widget.page.locator(".hsa-user").count() == 1  # still there in the same tab
    assert widget.page.locator("#hsa-panel").is_visible()
    assert "only in this browser tab" in widget.page.locator(".hsa-privacy").inner_text()
    other = browser.new_context()
    page = other.new_page()
    page.goto(f"{servers.rasa_url}/chat/")
    page.get_by_role("button", name=LAUNCHER).click()
    assert page.locator(".hsa-user").count() == 0  # a new browser session starts empty
    other.close()


HOSTILE_REPLY = [{
    "recipient_id": "x",
    "text": "<script>window.__pwned = 1</script><img src=x onerror='window.__pwned=2'> "
            "see javascript:window.__pwned=3 or https://www.harrow.gov.uk/adults.",
    "buttons": [{"title": "<b>bold</b>", "payload": "/greet"}],
}, {
    "recipient_id": "x", "text": "services",
    "custom": {"type": "services", "language": "en", "summary": "<i>Here</i>", "notes": [],
               "services": [{"name": "<script>window.__pwned=4</script>",
                             "url": "javascript:window.__pwned=5", "phone": "020 7946 0999",
                             "email": "a@example.org", "description": "<b>x</b>",
                             "address": "1 Road", "postcode": "HA1 1AA", "open_now": True,
                             "languages": ["en"], "accessibility": [],
                             "note": "<img src=x onerror='window.__pwned=6'> Not running yet."}]},
}]


def test_bot_text_is_never_html_and_unsafe_links_are_not_links(widget):
    page = widget.page
    page.route(WEBHOOK, lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(HOSTILE_REPLY)))
    widget.open()
    widget.ask("hello", expect_replies=2)
    assert page.evaluate("window.__pwned === undefined")
    text = widget.log.inner_text()
    assert "<script>window.__pwned = 1</script>" in text
    assert "javascript:window.__pwned=3" in text
    # the directory's alert shows on its card, as text
    assert page.locator(".hsa-card .hsa-note").inner_text().endswith("Not running yet.")
    assert page.locator(".hsa-log script, .hsa-log img, .hsa-log b, .hsa-log i").count() == 0
    hrefs = page.eval_on_selector_all(".hsa-log a", "links => links.map(a => a.href)")
    assert hrefs and all(h.split(":")[0] in ("http", "https", "tel", "mailto") for h in hrefs)
    assert "https://www.harrow.gov.uk/adults" in hrefs  # trailing full stop not in the link
    assert page.get_by_role("button", name="<b>bold</b>").count() == 1
    page.get_by_role("button", name="<b>bold</b>").click()  # runs nothing either
    assert page.evaluate("window.__pwned === undefined")


def test_unreachable_assistant_keeps_the_message_and_says_so(widget):
    page = widget.page
    page.route(WEBHOOK, lambda route: route.abort())
    widget.open()
    page.locator("#hsa-input").fill("I need an advocate")
    page.keyboard.press("Enter")
    page.wait_for_selector(".hsa-notice >> text=couldn't reach the assistant")
    assert page.locator("#hsa-input").input_value() == "I need an advocate"
    assert page.locator(".hsa-user").count() == 0


def test_typing_indicator_is_announced_once_while_waiting(widget):
    page = widget.page
    page.evaluate("window.__statusChanges = []")
    widget.open()
    page.evaluate("""new MutationObserver(() => window.__statusChanges.push(
        document.querySelector('.hsa-typing').textContent)).observe(
        document.querySelector('.hsa-typing'), {childList: true, subtree: true,
        characterData: true})""")
    assert page.get_by_role("status").count() == 1
    widget.ask("I feel very low and anxious, who can I talk to?")
    said = [s for s in page.evaluate("window.__statusChanges") if "writing" in s]
    assert len(said) == 1, said
    assert "writing" not in page.locator(".hsa-typing").inner_text()
    log = page.locator(".hsa-log")
    assert log.get_attribute("role") == "log" and log.get_attribute("aria-live") == "polite"
    reply_text = widget.bot_messages().first.inner_text()
    assert widget.log.inner_text().count(reply_text) == 1  # each bot message added once


def test_targets_text_size_and_reduced_motion(browser, servers):
    context = browser.new_context(viewport={"width": 320, "height": 640},
                                  reduced_motion="reduce")
    page = context.new_page()
    page.goto(f"{servers.rasa_url}/chat/")
    page.get_by_role("button", name=LAUNCHER).click()
    small = page.evaluate("[...document.querySelectorAll('#hsa-root button:not([hidden])')]"
                          ".filter(b => b.offsetParent).map(b => b.getBoundingClientRect())"
                          ".filter(r => r.width < 24 || r.height < 24).length")
    assert small == 0, "a button smaller than 24×24 px"
    normal = page.evaluate("parseFloat(getComputedStyle(document.getElementById('hsa-input'))"
                           ".fontSize)")
    page.evaluate("document.documentElement.style.fontSize = '200%'")  # browser text size
    bigger = page.evaluate("parseFloat(getComputedStyle(document.getElementById('hsa-input'))"
                           ".fontSize)")
    assert bigger == pytest.approx(2 * normal)
    page.route(WEBHOOK, lambda route: None)  # never answers: the indicator stays up
    page.locator("#hsa-input").fill("hello")
    page.keyboard.press("Enter")
    page.wait_for_selector(".hsa-dots span")
    assert page.evaluate("getComputedStyle(document.querySelector('.hsa-dots span'))"
                         ".animationName") == "none"
    context.close()


@pytest.fixture
def council_site(tmp_path, servers, council_site_port) -> Iterator[str]:
    """A page on another origin that embeds the widget with the documented one-line snippet."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Harrow Council'
        '</title></head><body><main><h1>Adult social care</h1></main>'
        f'<script src="{servers.rasa_url}/chat/widget.js" data-server="{servers.rasa_url}" '
        'data-language="ro" data-title="Asistentul Harrow" data-colour="#00594f" defer>'
        '</script></body></html>', encoding="utf-8")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    site = ThreadingHTTPServer(("127.0.0.1", council_site_port), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{council_site_port}/"
    site.shutdown()
    site.server_close()


def test_the_one_line_embed_works_on_the_councils_own_site(browser, council_site):
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(council_site)
    launcher = page.locator(".hsa-launcher")
    page.wait_for_function("document.getElementById('hsa-root').getAttribute('lang') === 'ro'")
    assert launcher.inner_text() == render("widget.launcher", "ro")  # starting language
    launcher.click()
    assert page.locator("#hsa-title").inner_text() == "Asistentul Harrow"  # configured title
    assert page.evaluate("getComputedStyle(document.querySelector('.hsa-header'))"
                         ".backgroundColor") == "rgb(0, 89, 79)"  # configured colour
    page.locator("#hsa-input").fill("am nevoie de ajutor pentru un carer")
    page.keyboard.press("Enter")  # a cross-origin call, allowed by the CORS allow-list
    page.wait_for_selector(".hsa-bot[lang='ro']", timeout=30_000)
    assert errors == []
    context.close()


def test_only_allowed_sites_may_call_the_assistant_from_a_browser(servers, council_site_port):
    import requests

    def preflight(origin):
        return requests.options(f"{servers.rasa_url}/webhooks/webchat/webhook", timeout=10,
                                headers={"Origin": origin,
                                         "Access-Control-Request-Method": "POST"})
    allowed = f"http://127.0.0.1:{council_site_port}"
    assert preflight(allowed).headers.get("Access-Control-Allow-Origin") == allowed
    assert "Access-Control-Allow-Origin" not in preflight("https://evil.example").headers


def test_a_callback_request_through_the_widget_with_the_keyboard(widget, servers):
    page = widget.page
    widget.open()
    widget.ask("Can I speak to a real person?")

    def press(name: str) -> None:
        before = widget.bot_messages().count()
        button = page.get_by_role("button", name=name, exact=True).last
        button.focus()
        page.keyboard.press("Enter")
        widget.wait_for_bot(before + 1)

    press("Ask the council to call me back")
    assert "deleted 30 days" in widget.bot_messages().last.inner_text()
    press("Yes")
    widget.ask("Amina")
    widget.ask("07700 900123")
    press("Morning")
    press("English")
    press("No")
    press("support for carers")
    summary = widget.bot_messages().last.inner_text()
    assert "Amina" in summary and "ending 123" in summary and "900123" not in summary
    press("Yes, send it")
    assert "HSA-" in widget.bot_messages().last.inner_text()
    assert widget.axe_violations() == []


def test_start_again_keeps_the_chosen_language(widget):
    page = widget.page
    widget.open()
    page.locator(".hsa-tools button[aria-controls='hsa-langs']").click()
    page.locator("#hsa-langs button[lang='ro']").click()
    widget.wait_for_bot(1)
    page.wait_for_function("document.getElementById('hsa-root').getAttribute('lang') === 'ro'")
    page.get_by_role("button", name=render("widget.start_again", "ro")).click()
    assert page.locator(".hsa-user").count() == 0
    widget.ask("ok")  # a short message: the conversation's language is the chosen one
    assert widget.bot_messages().last.get_attribute("lang") == "ro"
