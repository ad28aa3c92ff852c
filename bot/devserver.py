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


def _wait_for(ready, what: str, process: subprocess.Popen, timeout: float, log: Path) -> None:
    """Poll ``ready()`` until it is true; fail if the server exits or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}; see {log}")
        if ready():
            return
        time.sleep(0.5)
    raise TimeoutError(f"{what} not up after {timeout:.0f} s; see {log}")


def wait_until_up(url: str, process: subprocess.Popen, timeout: float, log: Path) -> None:
    def answers() -> bool:
        with contextlib.suppress(requests.RequestException):
            return requests.get(url, timeout=1).status_code == 200
        return False

    _wait_for(answers, url, process, timeout, log)


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


def _environment(actions_port: int, env: dict | None) -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO_ROOT), "ACTIONS_PORT": str(actions_port),
            "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})}


def _start_actions(environment: dict, log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "bot.action_server"], cwd=REPO_ROOT,
                                env=environment, stdout=out, stderr=subprocess.STDOUT)


def _start_rasa(model: Path, endpoints: Path, port: int, environment: dict, log: Path,
                cors: list[str] | None = None) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(RASA_BIN), "run", "--model", str(model), "--endpoints", str(endpoints),
             "--credentials", "credentials.yml", "--port", str(port),
             "--interface", "127.0.0.1", *(["--cors", *cors] if cors else [])],
            cwd=REPO_ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT)


@contextlib.contextmanager
def running_servers(model: Path, log_dir: Path, env: dict | None = None,
                    timeout: float = 180, cors: list[str] | None = None) -> Iterator[Servers]:
    """Both servers on free ports, stopped (and their logs kept in log_dir) afterwards.
    ``cors``: other sites allowed to call the assistant (as WIDGET_ORIGINS in run.sh)."""
    rasa_port, actions_port = free_port(), free_port()
    environment = _environment(actions_port, env)
    log_dir.mkdir(parents=True, exist_ok=True)
    endpoints = private_endpoints(log_dir, actions_port)
    actions_log, rasa_log = log_dir / "actions.log", log_dir / "rasa.log"
    actions = _start_actions(environment, actions_log)
    rasa = _start_rasa(model, endpoints, rasa_port, environment, rasa_log, cors)
    servers = Servers(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{actions_port}",
                      rasa, actions)
    try:
        wait_until_up(f"{servers.actions_url}/health", actions, timeout, actions_log)
        wait_until_up(f"{servers.rasa_url}/webhooks/rest/", rasa, timeout, rasa_log)
        yield servers
    finally:
        _stop(rasa)
        _stop(actions)


@dataclass
class Cluster:
    rasa_urls: list[str]
    actions_url: str

    def webhook(self, index: int) -> str:
        return f"{self.rasa_urls[index % len(self.rasa_urls)]}/webhooks/rest/webhook"


RASA_UP_LINE = b"Rasa server is up and running."


def wait_until_workers_up(process: subprocess.Popen, log: Path, workers: int,
                          timeout: float) -> None:
    """A server started with SANIC_WORKERS answers as soon as its first worker has loaded the
    model; each worker logs RASA_UP_LINE once it has, so wait for all of them."""
    _wait_for(lambda: log.read_bytes().count(RASA_UP_LINE) >= workers,
              f"{workers} workers", process, timeout, log)


def worker_environment(workers: int, environment: dict) -> dict:
    """``environment`` with Rasa's SANIC_WORKERS, and with more than one worker, one
    TensorFlow thread each unless ``environment`` says otherwise (as scripts/run.sh does):
    the workers already share the cores, and TensorFlow's own thread pools in each of them
    fought over the same two (paced load p95 640 -> 166 ms)."""
    one_thread = {"TF_INTRA_OP_PARALLELISM_THREADS": "1",
                  "TF_INTER_OP_PARALLELISM_THREADS": "1"} if workers > 1 else {}
    return {**one_thread, **environment, "SANIC_WORKERS": str(workers)}


@contextlib.contextmanager
def running_cluster(model: Path, log_dir: Path, endpoints: Path, env: dict,
                    rasa_count: int = 2, timeout: float = 300,
                    workers: int | tuple[int, ...] = 1) -> Iterator[Cluster]:
    """Production shape on one machine: ``rasa_count`` Rasa servers, each with ``workers``
    processes (Rasa's SANIC_WORKERS; one number for all, or one per server), and one action
    server, sharing what ``endpoints`` configures (PostgreSQL tracker store, Redis lock
    store)."""
    actions_port = free_port()
    environment = _environment(actions_port, {
        "ACTION_SERVER_URL": f"http://127.0.0.1:{actions_port}/webhook", **env})
    per_server = workers if isinstance(workers, tuple) else (workers,) * rasa_count
    log_dir.mkdir(parents=True, exist_ok=True)
    actions = _start_actions(environment, log_dir / "actions.log")
    ports = [free_port() for _ in range(rasa_count)]
    servers = [_start_rasa(model, endpoints, port,
                           worker_environment(per_server[i], environment),
                           log_dir / f"rasa-{i}.log")
               for i, port in enumerate(ports)]
    cluster = Cluster([f"http://127.0.0.1:{port}" for port in ports],
                      f"http://127.0.0.1:{actions_port}")
    try:
        wait_until_up(f"{cluster.actions_url}/health", actions, timeout, log_dir / "actions.log")
        for i, (url, process) in enumerate(zip(cluster.rasa_urls, servers)):
            wait_until_up(f"{url}/webhooks/rest/", process, timeout, log_dir / f"rasa-{i}.log")
            wait_until_workers_up(process, log_dir / f"rasa-{i}.log", per_server[i], timeout)
        yield cluster
    finally:
        for process in servers:
            _stop(process)
        _stop(actions)
