"""Black-box: real servers, real model, real directory, conversations over REST."""
import pytest
import requests

from bot.dialogue import CATEGORY_BUTTONS

pytestmark = pytest.mark.live

ASK_FOR = {
    "interpreting": "I need an interpreter for my mother's assessment",
    "advocacy": "I want an advocate to speak up for me at my care review",
    "conversation_cafe": "where is the nearest conversation cafe",
    "customer_access_point": "I need to see someone at the council face to face",
    "mental_health": "I have been feeling very low and anxious for months",
    "carers": "I look after my disabled son and I need some support as a carer",
    "safeguarding": "I think my elderly neighbour is being neglected by her family",
    "accessible_information": "can I get council information in easy read",
    "digital_inclusion": "I want to learn how to use a computer and the internet",
    "employment_support": "my son has a learning disability and wants to find a job",
    "community_groups": "are there any Romanian community groups in Harrow",
    "care_assessment": "my dad needs help at home with washing and dressing, can he be assessed",
}


def services_reply(messages):
    with_custom = [m for m in messages if m.get("custom", {}).get("type") == "services"]
    assert len(with_custom) == 1, messages
    return with_custom[0]


@pytest.mark.parametrize("category", CATEGORY_BUTTONS)
def test_each_need_gets_matching_services_in_the_first_reply(category, resident):
    messages = resident.say(ASK_FOR[category])
    first = messages[0]
    assert first.get("custom", {}).get("type") == "services", messages
    assert first["text"], "text and custom travel in one message"
    custom = first["custom"]
    assert custom["category"] == category and custom["language"] == "en"
    assert len(custom["services"]) >= 2
    for service in custom["services"]:
        assert category in service["categories"]
        assert service["name"] in first["text"]
        assert service["phone"] or service["email"] or service["url"]
        assert isinstance(service["open_now"], (bool, type(None)))


def test_narrow_then_ask_about_a_listed_service(resident):
    listed = services_reply(resident.say("I need support as a carer for my mum"))
    near = services_reply(resident.say("any near HA5 1AA?"))
    assert near["custom"]["category"] == "carers"
    distances = [s["distance_km"] for s in near["custom"]["services"]]
    known = [d for d in distances if d is not None]
    assert known and known == sorted(known)
    assert distances[: len(known)] == known, "services with a distance come first"
    assert listed["custom"]["services"]
    first = near["custom"]["services"][0]
    phone = resident.say("what's the phone number of the first one")
    assert first["name"] in phone[0]["text"] and first["phone"] in phone[0]["text"]
    hours = resident.say("when are they open?")
    assert any(s["name"] in hours[0]["text"] for s in near["custom"]["services"])


def test_narrow_by_language_spoken(resident):
    services_reply(resident.say("are there community groups for people from my country"))
    reply = services_reply(resident.say("one that speaks Tamil"))
    assert reply["custom"]["services"]
    assert all("ta" in s["languages"] for s in reply["custom"]["services"])


def test_crisis_reply_comes_first(resident):
    resident.say("I need help with my mental health")
    messages = resident.say("I can't go on, I want to end my life")
    first = messages[0]
    assert first["custom"] == {"type": "crisis", "language": "en", "dir": "ltr"}
    for number in ("999", "111", "option 2", "116 123"):
        assert number in first["text"]


def test_small_talk_and_person_and_out_of_scope(resident):
    assert "support assistant" in resident.say("hello")[0]["text"]
    assert "computer assistant" in resident.say("are you a robot?")[0]["text"]
    person = resident.say("I want to talk to a real person")[0]["text"]
    assert "020 7946 0100" in person and "Monday to Friday" in person
    off_topic = resident.say("what's the capital of France?")[0]["text"]
    assert "not something I can help with" in off_topic and "020 7946 0100" in off_topic


def test_bad_requests_get_a_clear_400(servers):
    for body in ({"sender": "x"}, {"sender": "x", "message": 42}, ["not", "an", "object"]):
        reply = requests.post(servers.webhook, json=body, timeout=10)
        assert reply.status_code == 400 and "error" in reply.json()
    reply = requests.post(servers.webhook, data=b"{not json", timeout=10,
                          headers={"Content-Type": "application/json"})
    assert reply.status_code == 400


def test_huge_message_is_refused_and_long_message_gets_a_polite_reply(servers, resident):
    huge = requests.post(servers.webhook, json={"sender": "x", "message": "a" * 60_000},
                         timeout=10)
    assert huge.status_code == 413 and "error" in huge.json()
    reply = resident.say("I need help " * 300)
    assert "too long" in reply[0]["text"]
    assert resident.say("hello")[0]["text"].startswith("Hello"), "the conversation goes on"


def test_language_chosen_in_metadata_is_used_for_replies(servers):
    from live.conftest import Resident

    romanian = Resident(servers.webhook, metadata={"language": "ro"})
    reply = romanian.say("hello")[0]
    english_greeting = Resident(servers.webhook).say("hello")[0]["text"]
    assert reply["text"] and reply["text"] != english_greeting
    crisis = romanian.say("I want to kill myself")[0]
    assert crisis["custom"]["type"] == "crisis", "crisis text is reviewed English until a "
    assert "116 123" in crisis["text"]  # fluent speaker has reviewed the Romanian
    services = Resident(servers.webhook, metadata={"language": "ur"}).say(
        "I need an interpreter for my mother")[0]
    assert services["custom"]["language"] == "ur" and services["custom"]["dir"] == "rtl"


def test_both_servers_warmed_up_before_the_first_resident(servers):
    """Each server's first-message work is done at start (bot.warm_up), so the first resident
    does not wait for it; the servers' logs say so."""
    import time

    from tests.live.conftest import ARTIFACTS

    deadline = time.monotonic() + 60
    while True:
        rasa_log = (ARTIFACTS / "rasa.log").read_text(encoding="utf-8", errors="replace")
        actions_log = (ARTIFACTS / "actions.log").read_text(encoding="utf-8", errors="replace")
        if ("Warmed up the model" in rasa_log and "Warmed up the action server" in actions_log) \
                or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert "Warmed up the model in" in rasa_log
    assert "Warming up the model failed" not in rasa_log
    assert "Warmed up the action server in" in actions_log
