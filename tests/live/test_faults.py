"""Faults (issue 6), with the real servers: the action server down, the directory database
unreachable mid-conversation, Redis down at start-up. The resident always gets an answer with
the council's contact route; the servers keep running and recover when the part returns.
(Translation and geocoder outages are tested offline in tests/assistant/test_translation.py
and tests/directory/test_geo.py.)
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests

from bot.devserver import RASA_BIN, free_port, running_servers, wait_until_up
from bot.directory.db import ensure_database
from bot.paths import REPO_ROOT
from tests.conftest import _throwaway_schema

ARTIFACTS = REPO_ROOT / "test-artifacts" / "faults"
COUNCIL_ROUTE = "020 7946 0100"  # the council's (sample) number in every fallback reply


class TcpProxy:
    """A TCP forwarder we can switch off and on: a database that becomes unreachable."""

    def __init__(self, target_port: int):
        self.target_port, self.port = target_port, free_port()
        self._server: socket.socket | None = None
        self._connections: list[socket.socket] = []

    def start(self) -> None:
        self._server = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
        threading.Thread(target=self._accept, args=(self._server,), daemon=True).start()

    def stop(self) -> None:
        if self._server:
            try:  # wakes the thread blocked in accept() (close alone does not, on Linux)
                self._server.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._server.close()
            self._server = None
        for connection in self._connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            connection.close()
        self._connections.clear()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self._connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def _say(url: str, sender: str, text: str) -> list[dict]:
    reply = requests.post(f"{url}/webhooks/rest/webhook", timeout=60,
                          json={"sender": sender, "message": text})
    assert reply.status_code == 200, reply.text
    return reply.json()


def _has_services(replies: list[dict]) -> bool:
    return any(r.get("custom", {}).get("type") == "services" for r in replies)


def _text(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def test_directory_database_unreachable_mid_conversation_and_back(trained_model, pg_server):
    from sqlalchemy.engine import make_url

    server = make_url(pg_server)
    proxy = TcpProxy(server.port or 5432)
    proxy.start()
    with _throwaway_schema(pg_server) as direct_url:
        ensure_database(direct_url)
        through_proxy = make_url(direct_url).set(port=proxy.port).render_as_string(
            hide_password=False)
        env = {"DATABASE_URL": through_proxy, "TRANSLATION_PROVIDER": "off"}
        with running_servers(trained_model, ARTIFACTS / "database", env=env) as servers:
            sender = f"fault-{uuid.uuid4().hex}"
            assert _has_services(_say(servers.rasa_url, sender, "I need an interpreter"))
            proxy.stop()
            down = _say(servers.rasa_url, sender, "I need support as a carer")
            assert down and not _has_services(down)
            assert COUNCIL_ROUTE in _text(down)  # the council's contact route instead
            assert servers.rasa.poll() is None and servers.actions.poll() is None
            proxy.start()
            again = _say(servers.rasa_url, sender, "I need support as a carer")
            assert _has_services(again)
    proxy.stop()


def test_action_server_down_then_back(trained_model, tmp_path):
    url = f"sqlite:///{tmp_path / 'directory.db'}"
    ensure_database(url)
    env = {"DATABASE_URL": url, "TRANSLATION_PROVIDER": "off"}
    with running_servers(trained_model, ARTIFACTS / "actions", env=env) as servers:
        sender = f"fault-{uuid.uuid4().hex}"
        servers.actions.terminate()
        servers.actions.wait(timeout=20)
        down = _say(servers.rasa_url, sender, "I need an advocate for a care meeting")
        assert down and COUNCIL_ROUTE in _text(down)  # not silence
        assert servers.rasa.poll() is None
        port = servers.actions_url.rsplit(":", 1)[1]
        environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "ACTIONS_PORT": port,
                       "DATABASE_URL": url, "TRANSLATION_PROVIDER": "off"}
        log = (ARTIFACTS / "actions" / "actions-restarted.log").open("wb")
        restarted = subprocess.Popen([sys.executable, "-m", "bot.action_server"],
                                     cwd=REPO_ROOT, env=environment, stdout=log,
                                     stderr=subprocess.STDOUT)
        try:
            wait_until_up(f"{servers.actions_url}/health", restarted, 60,
                          ARTIFACTS / "actions" / "actions-restarted.log")
            assert _has_services(_say(servers.rasa_url, sender,
                                      "I need an advocate for a care meeting"))
        finally:
            restarted.terminate()
            restarted.wait(timeout=20)
            log.close()


def test_redis_down_at_start_up_stops_the_server_with_one_clear_line(trained_model,
                                                                     pg_server):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / "redis-down.log"
    nothing_listens = free_port()
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "RASA_TELEMETRY_ENABLED": "false",
                   "ACTION_SERVER_URL": "http://127.0.0.1:9/webhook",
                   "TRACKER_DATABASE_URL": pg_server, "REDIS_HOST": "127.0.0.1",
                   "REDIS_PORT": str(nothing_listens), "REDIS_DB": "14"}
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(RASA_BIN), "run", "--model", str(trained_model), "--endpoints",
             "endpoints.production.yml", "--credentials", "credentials.yml", "--port",
             str(port), "--interface", "127.0.0.1"],
            cwd=REPO_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        answered = False
        while time.monotonic() < deadline and process.poll() is None:
            try:
                answered = requests.get(f"http://127.0.0.1:{port}/webhooks/rest/",
                                        timeout=1).ok
            except requests.RequestException:
                pass
            if answered:
                break
            time.sleep(1)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    output = log_path.read_text(encoding="utf-8", errors="replace")
    assert not answered, "the server started without its lock store"
    assert f"Redis lock store at 127.0.0.1:{nothing_listens} is not reachable" in output


@pytest.fixture(autouse=True)
def _artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
