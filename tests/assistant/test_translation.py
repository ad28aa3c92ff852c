"""Machine translation of service descriptions, offline: the provider's HTTP is intercepted."""
import re
import time

import pytest
import responses

from bot.i18n.translate import CircuitBreaker, MachineTranslator, translate_services

GOOGLE = re.compile(r"https://translate\.google\.com/m.*")


def page(text):
    return f'<html><body><div class="result-container">{text}</div></body></html>'


@pytest.fixture
def translator(sessions):
    return MachineTranslator(sessions, provider="GoogleTranslator", timeout_s=1.0,
                             breaker=CircuitBreaker(threshold=2, cooldown_s=60))


@responses.activate
def test_translates_and_marks_machine_translated(translator):
    responses.add(responses.GET, GOOGLE, body=page("Sprijin pentru îngrijitori."))
    services = [{"id": "1", "description": "Support for carers (unique text A).",
                 "machine_translated": False}]
    [out] = translate_services(services, "ro", translator)
    assert out["description"] == "Sprijin pentru îngrijitori."
    assert out["machine_translated"] is True
    assert "tl=ro" in responses.calls[0].request.url


@responses.activate
def test_cached_translation_needs_no_second_call(translator):
    responses.add(responses.GET, GOOGLE, body=page("Bună"))
    text = "Hello from the cache test (unique text B)."
    assert translator.translate_all([text], "ro") == {text: "Bună"}
    assert translator.translate_all([text], "ro") == {text: "Bună"}
    assert len(responses.calls) == 1


@pytest.mark.parametrize("status", [429, 500, 503])
@responses.activate
def test_provider_errors_leave_english(translator, status):
    responses.add(responses.GET, GOOGLE, status=status)
    services = [{"id": "1", "description": f"Status {status} text (unique C).",
                 "machine_translated": False}]
    assert translate_services(services, "pl", translator) == services


@responses.activate
def test_timeout_keeps_the_reply_fast_and_in_english(sessions):
    def slow(request):
        time.sleep(1.0)
        return 200, {}, page("za późno")

    responses.add_callback(responses.GET, GOOGLE, callback=slow)
    translator = MachineTranslator(sessions, provider="GoogleTranslator", timeout_s=0.2)
    started = time.monotonic()
    assert translator.translate_all(["Too slow (unique text D)."], "pl") == {}
    assert time.monotonic() - started < 0.8


@responses.activate
def test_breaker_stops_calling_a_failing_provider(translator):
    responses.add(responses.GET, GOOGLE, status=500)
    for n in range(2):
        translator.translate_all([f"Breaker text {n} (unique E)."], "pt")
    calls = len(responses.calls)
    assert not translator.breaker.allows()
    translator.translate_all(["Breaker text 3 (unique E)."], "pt")
    assert len(responses.calls) == calls, "no call while the breaker is open"


def test_breaker_lets_a_call_through_after_the_cooldown():
    now = [0.0]
    breaker = CircuitBreaker(threshold=1, cooldown_s=30, clock=lambda: now[0])
    breaker.failure()
    assert not breaker.allows()
    now[0] = 31
    assert breaker.allows()
    breaker.success()
    assert breaker.failures == 0


@responses.activate
def test_switched_off_or_english_means_no_call(sessions):
    off = MachineTranslator(sessions, provider="off")
    assert off.translate_all(["anything at all"], "ro") == {}
    on = MachineTranslator(sessions, provider="GoogleTranslator")
    services = [{"id": "1", "description": "x y z", "machine_translated": False}]
    assert translate_services(services, "en", on) == services
    assert not responses.calls


@responses.activate
def test_concurrent_texts_are_never_swapped(sessions):
    """Each description gets its own translation, however many are in flight at once."""
    from urllib.parse import parse_qs, urlparse

    def echo(request):
        text = parse_qs(urlparse(request.url).query)["q"][0]
        time.sleep(0.01)
        return 200, {}, page(f"RO:{text}")

    responses.add_callback(responses.GET, GOOGLE, callback=echo)
    translator = MachineTranslator(sessions, provider="GoogleTranslator", timeout_s=5)
    texts = [f"Description number {n} (unique F)." for n in range(12)]
    assert translator.translate_all(texts, "ro") == {t: f"RO:{t}" for t in texts}


def test_unsupported_language_is_not_an_outage(sessions):
    translator = MachineTranslator(sessions, provider="GoogleTranslator",
                                   breaker=CircuitBreaker(threshold=1))
    assert translator.translate_all(["hello there"], "zz") == {}
    assert translator.breaker.allows(), "a bad language code must not trip the breaker"


@responses.activate
def test_search_reply_in_romanian_uses_and_marks_machine_translation(sessions, translator):
    from bot.dialogue import SearchFilters, search_turn

    responses.add(responses.GET, GOOGLE, body=page("Descriere tradusă automat"))
    turn = search_turn("need_advocacy", [], SearchFilters(), "ro", sessions, translator)
    message = turn.messages[0]
    services = message["custom"]["services"]
    assert all(s["machine_translated"] for s in services)
    assert all(s["description"] == "Descriere tradusă automat" for s in services)
    assert "traduse automat" in message["text"]
