"""Fixed replies through the NLG endpoint, and the REST channel's one-message contract."""
import asyncio

import yaml

from bot.channels.rest import ContractOutputChannel, request_problem
from bot.council import council_contact
from bot.nlg import render_response
from bot.paths import REPO_ROOT


def test_every_domain_response_renders_without_leftover_fields():
    responses = yaml.safe_load((REPO_ROOT / "domain.yml").read_text())["responses"]
    for name in responses:
        text = render_response(name, {"slots": {"language": "en"}})["text"]
        assert text and "{" not in text, name


def test_council_route_is_filled_and_marked_sample_while_unverified():
    text = render_response("utter_human_contact")["text"]
    council = council_contact()
    assert council.phone in text and council.hours in text and council.web in text
    assert "(sample number)" in text


def test_crisis_reply_carries_type_language_and_numbers():
    reply = render_response("utter_crisis", {"slots": {"language": "en"}})
    assert reply["custom"] == {"type": "crisis", "language": "en", "dir": "ltr"}
    for number in ("999", "NHS 111", "option 2", "116 123"):
        assert number in reply["text"]


def test_unknown_response_is_empty_not_an_error():
    assert render_response("utter_does_not_exist") == {"text": ""}


def test_output_channel_keeps_text_and_custom_in_one_message():
    channel = ContractOutputChannel()
    message = {"text": "Here are 2 services\n\n1. A", "custom": {"type": "services"},
               "buttons": [{"title": "Open now", "payload": "/refine_search"}]}
    asyncio.run(channel.send_response("r1", dict(message)))
    assert channel.messages == [{"recipient_id": "r1", **message}]


def test_output_channel_drops_empty_messages():
    channel = ContractOutputChannel()
    asyncio.run(channel.send_response("r1", {"text": None, "custom": None}))
    assert channel.messages == []


def test_request_validation():
    assert request_problem({"sender": "a", "message": "hi"}) is None
    assert request_problem({"message": "hi", "metadata": {"language": "ro"}}) is None
    assert "message" in request_problem({"sender": "a"})
    assert "sender" in request_problem({"sender": 5, "message": "hi"})
    assert "metadata" in request_problem({"message": "hi", "metadata": "ro"})
    assert "JSON object" in request_problem(["hi"])
