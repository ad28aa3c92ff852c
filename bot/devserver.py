"""Start the action server and the Rasa server together (used by tests and `make bench`).

``make run`` uses scripts/run.sh, which does the same from the shell.
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests
import yaml

from bot.paths import REPO_ROOT

RASA_BIN = Path(sys.executable).with_name("rasa")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Servers:
    rasa_url: str
    actions_url: str
    rasa: subprocess.Popen
    actions: subprocess.Popen

    @property
    def webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"


def wait_until_up(url: str, process: subprocess.Popen, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}; see {log}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=1).status_code == 200:
                return
        time.sleep(0.5)
    raise TimeoutError(f"{url} not up after {timeout:.0f} s; see {log}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def private_endpoints(directory: Path, actions_port: int) -> Path:
    """endpoints.yml for a test or benchmark run: its own tracker database, so it neither
    reads nor pollutes var/tracker.db, and the action server's real port."""
    config = yaml.safe_load((REPO_ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    config["action_endpoint"]["url"] = f"http://127.0.0.1:{actions_port}/webhook"
    tracker_db = directory / "tracker.db"
    tracker_db.unlink(missing_ok=True)
    config["tracker_store"]["db"] = str(tracker_db)
    path = directory / "endpoints.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


@contextlib.contextmanager
def running_servers(model: Path, log_dir: Path, env: dict | None = None,
                    timeout: float = 180, cors: list[str] | None = None) -> Iterator[Servers]:
    """Both servers on free ports, stopped (and their logs kept in log_dir) afterwards.
    ``cors``: other sites allowed to call the assistant (as WIDGET_ORIGINS in run.sh)."""
    rasa_port, actions_port = free_port(), free_port()
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "ACTIONS_PORT": str(actions_port),
                   "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
                   **(env or {})}
    log_dir.mkdir(parents=True, exist_ok=True)
    endpoints = private_endpoints(log_dir, actions_port)
    actions_log, rasa_log = log_dir / "actions.log", log_dir / "rasa.log"
    with actions_log.open("wb") as alog, rasa_log.open("wb") as rlog:
        actions = subprocess.Popen([sys.executable, "-m", "bot.action_server"], cwd=REPO_ROOT,
                                   env=environment, stdout=alog, stderr=subprocess.STDOUT)
        rasa = subprocess.Popen(
            [str(RASA_BIN), "run", "--model", str(model), "--endpoints", str(endpoints),
             "--credentials", "credentials.yml", "--port", str(rasa_port),
             "--interface", "127.0.0.1", *(["--cors", *cors] if cors else [])],
            cwd=REPO_ROOT, env=environment, stdout=rlog, stderr=subprocess.STDOUT)
        servers = Servers(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{actions_port}",
                          rasa, actions)
        try:
            wait_until_up(f"{servers.actions_url}/health", actions, timeout, actions_log)
            wait_until_up(f"{servers.rasa_url}/webhooks/rest/", rasa, timeout, rasa_log)
            yield servers
        finally:
            _stop(rasa)
            _stop(actions)
