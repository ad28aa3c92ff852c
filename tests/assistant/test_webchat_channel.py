"""The web chat widget's channel: the REST contract plus a per-sender rate limit."""
import asyncio

import pytest

from bot.channels.webchat import RateLimiter, WebChatInput


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_rate_limit_is_per_sender_and_slides():
    clock = Clock()
    limiter = RateLimiter(messages=3, seconds=10, clock=clock)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b"), "another resident is not slowed down"
    clock.now += 9.9
    assert not limiter.allow("a")
    clock.now += 0.2
    assert limiter.allow("a"), "the oldest message left the window"


def test_refused_messages_do_not_extend_the_wait():
    clock = Clock()
    limiter = RateLimiter(messages=1, seconds=5, clock=clock)
    assert limiter.allow("a")
    for _ in range(50):
        clock.now += 0.01
        assert not limiter.allow("a")
    clock.now = 1005.0
    assert limiter.allow("a")


def test_memory_stays_bounded():
    limiter = RateLimiter(messages=1, seconds=60, max_senders=100)
    for i in range(1000):
        limiter.allow(f"sender-{i}")
    assert len(limiter._recent) == 100


def test_bad_configuration_is_refused():
    with pytest.raises(ValueError):
        RateLimiter(messages=0)
    with pytest.raises(ValueError):
        WebChatInput.from_credentials({"rate_limit_seconds": 0})


def _run(channel, body):
    seen = []

    async def on_new_message(message):
        seen.append(message)
        await message.output_channel.send_response(message.sender_id, {"text": "answer"})

    replies = asyncio.run(channel.handle(body, on_new_message))
    return replies, seen


def test_over_the_limit_gets_a_polite_reply_in_the_residents_language():
    channel = WebChatInput.from_credentials({"rate_limit_messages": 2,
                                             "rate_limit_seconds": 60})
    body = {"sender": "widget-1", "message": "am nevoie de ajutor pentru mama mea",
            "metadata": {"language": "ro"}}
    for _ in range(2):
        replies, seen = _run(channel, body)
        assert replies[0]["text"] == "answer" and seen[0].input_channel == "webchat"
        assert seen[0].metadata == {"language": "ro"}
    replies, seen = _run(channel, body)
    assert seen == [], "the flood does not reach the assistant"
    assert "secunde" in replies[0]["text"]
    assert replies[0]["custom"] == {"type": "text", "language": "ro", "dir": "ltr"}


def test_the_webchat_channel_keeps_the_rest_guard_rails():
    channel = WebChatInput()
    replies, seen = _run(channel, {"sender": "w", "message": "help " * 500})
    assert seen == [] and "too long" in replies[-1]["text"]
    assert channel.name() == "webchat"
