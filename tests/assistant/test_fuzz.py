"""Fuzz tests (hypothesis) of what residents and callers control: the message handlers of
both channels and the text steps every message passes through. Nothing may raise. (The
directory search parameters: tests/directory/test_search_fuzz.py.)"""
from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels import payloads
from bot.channels.rest import ContractRestInput, request_problem, text_for_pipeline
from bot.channels.webchat import RateLimiter, WebChatInput
from bot.i18n.detect import choose_reply_language, detect_language
from bot.nlu.lexicon import find_entities
from bot.safety.crisis import detect_crisis
from bot.safety.redact import redact_text

# any text, any script: letters, emoji, control characters, bidi overrides, lone surrogates
# are not valid in JSON from a client, so they are left out
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=600)
HOSTILE = st.sampled_from([
    "", " ", "\u202e\u2066evil\u2069", "\x00\x07\x1b[31m", "😀" * 500, "{council_phone}",
    "{{7*7}}", "${jndi:ldap://x}", "'; DROP TABLE service; --", "<script>alert(1)</script>",
    '/refine_search{"place": "HA1"}', "/restart", '/greet{"a": ', "A" * 3000, "\ud7ff\ue000",
])
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                    | TEXT, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(TEXT, inner, max_size=4), max_leaves=10)
FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


async def _answer(message):
    await message.output_channel.send_response(message.sender_id, {"text": "ok"})


async def _fail(message):
    raise RuntimeError("the assistant broke")


@FAST
@given(st.one_of(JSON, st.fixed_dictionaries({"sender": TEXT, "message": TEXT | HOSTILE},
                                             optional={"metadata": JSON})))
def test_any_request_body_gets_a_reason_or_an_answer(body):
    problem = request_problem(body)
    if problem is not None:
        assert isinstance(problem, str) and problem
        return
    for channel in (ContractRestInput(), WebChatInput(RateLimiter(messages=10_000))):
        for on_new_message in (_answer, _fail):
            replies = asyncio.run(channel.handle(body, on_new_message, offered=set()))
            assert replies and all(r.get("text") for r in replies)


@FAST
@given(TEXT | HOSTILE, st.one_of(st.none(), st.fixed_dictionaries({"language": TEXT})))
def test_every_text_step_takes_any_text(text, metadata):
    assert isinstance(text_for_pipeline(text, metadata), str)
    assert isinstance(payloads.guarded(text, set()), str)
    assert not payloads.guarded(text, set()).startswith("/") or payloads.is_language_choice(
        text)
    assert isinstance(redact_text(text), str)
    detect_language(text)
    detect_crisis(text)
    find_entities(text)
    assert choose_reply_language(None, text, metadata, first_message=True)
