"""Typed Rasa payloads (/intent{...}) reach the assistant only when a button offered them."""
from __future__ import annotations

import asyncio

from bot.channels.payloads import guarded, offered_payloads
from bot.channels.rest import ContractRestInput

OFFERED_EVENTS = [
    {"event": "user", "text": "can I talk to someone"},
    {"event": "bot", "text": "Call us...", "data": {"buttons": [
        {"title": "Call me back", "payload": '/human_handoff{"request_kind":"callback"}'}]}},
]


def test_only_offered_payloads_and_the_language_picker_pass():
    offered = offered_payloads(OFFERED_EVENTS)
    # the same payload, whatever its spacing
    assert guarded('/human_handoff{"request_kind": "callback"}', offered).startswith("/")
    assert guarded('/choose_language{"reply_language": "ur"}', set()).startswith("/")
    for typed in ('/need_interpreting{"request_kind": "interpreter"}',
                  '/refine_search{"place": "HA1", "open_now": "true"}', "/restart",
                  '/choose_language{"reply_language": "xx"}',
                  '/choose_language{"reply_language": "ro", "category": "crisis"}',
                  '/human_handoff{"request_kind": "callback", "help_confirm": "yes"}'):
        assert not guarded(typed, offered).startswith("/"), typed
    assert guarded("/restart", offered) == "restart"
    assert guarded("I need help / support", offered) == "I need help / support"


def test_the_channel_passes_an_unoffered_payload_as_words():
    seen = []

    async def on_new_message(message):
        seen.append(message.text)
        await message.output_channel.send_response(message.sender_id, {"text": "ok"})

    channel = ContractRestInput()
    asyncio.run(channel.handle({"sender": "s1", "message": '/refine_search{"place":"HA1"}'},
                               on_new_message, offered=set()))
    asyncio.run(channel.handle({"sender": "s1", "message": '/refine_search{"place":"HA1"}'},
                               on_new_message,
                               offered=offered_payloads([{"event": "bot", "data": {
                                   "buttons": [{"title": "t",
                                                "payload": '/refine_search{"place": "HA1"}'}]}}])))
    assert seen == ["refine_search place HA1", '/refine_search{"place":"HA1"}']


def test_an_unoffered_payload_passed_as_words_does_not_change_the_language():
    """'/refine_search{"place": "HA1", "open_now": "true"}' typed in a Romanian conversation
    became five English-looking words, and the replies switched to English."""
    from rasa.shared.nlu.training_data.message import Message

    from bot.conversation_language import CONVERSATION_KEY
    from bot.nlu.components import LanguageDetector

    seen = []

    async def on_new_message(message):
        seen.append((message.text, message.metadata))
        await message.output_channel.send_response(message.sender_id, {"text": "ok"})

    typed = '/refine_search{"place": "HA1", "open_now": "true"}'
    asyncio.run(ContractRestInput().handle(
        {"sender": "s2", "message": typed, "metadata": {"client": "widget"}}, on_new_message,
        offered=set()))
    [(text, metadata)] = seen
    assert metadata == {"client": "widget", "unoffered_payload": True}

    def reply_language(metadata):
        data = {"text": text, "metadata": {**metadata, CONVERSATION_KEY: {"language": "ro"}}}
        [message] = LanguageDetector({}).process([Message(data=data)])
        return [e["value"] for e in message.get("entities") or []
                if e["entity"] == "reply_language"]

    assert reply_language(metadata) == []
    assert reply_language({}) == ["en"], "the same words typed by a resident switch"
    # a language chosen explicitly alongside still counts
    assert reply_language({**metadata, "language": "pl"}) == ["pl"]
