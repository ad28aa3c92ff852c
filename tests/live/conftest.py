"""Start the real action server and Rasa server on free ports for black-box tests."""
import uuid

import pytest
import requests

from bot.devserver import free_port, running_servers
from bot.directory.db import ensure_database
from bot.paths import REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts" / "live"


@pytest.fixture(scope="session")
def council_site_port() -> int:
    """Port of a stand-in council website that embeds the widget from another origin."""
    return free_port()


@pytest.fixture(scope="session")
def servers(trained_model, tmp_path_factory, council_site_port):
    directory = tmp_path_factory.mktemp("live") / "directory.db"
    url = f"sqlite:///{directory}"
    ensure_database(url)
    # no machine translation in the live tests: its HTTP paths are tested with `responses`
    with running_servers(trained_model, ARTIFACTS,
                         env={"DATABASE_URL": url, "TRANSLATION_PROVIDER": "off"},
                         cors=[f"http://127.0.0.1:{council_site_port}"]) as running:
        running.directory_url = url
        yield running


class Resident:
    """One conversation over REST, as the web widget or another system would hold it."""

    def __init__(self, webhook: str, metadata: dict | None = None):
        self.webhook = webhook
        self.sender = f"test-{uuid.uuid4()}"
        self.metadata = metadata

    def say(self, text: str) -> list[dict]:
        body = {"sender": self.sender, "message": text}
        if self.metadata:
            body["metadata"] = self.metadata
        reply = requests.post(self.webhook, json=body, timeout=30)
        assert reply.status_code == 200, reply.text
        return reply.json()


@pytest.fixture
def resident(servers):
    return Resident(servers.webhook)
