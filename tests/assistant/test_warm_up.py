"""Each server process does its first-message work before residents arrive (bot.warm_up), and
the project's YAML is read by libyaml with the same values as yaml.safe_load."""
from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import pytest
import yaml
from sqlalchemy.exc import OperationalError

from bot.paths import DATA_DIR, REPO_ROOT, read_yaml
from bot.warm_up import warm_action_server, warm_up


def _project_yaml_files() -> list:
    return sorted([*DATA_DIR.rglob("*.yml"), *REPO_ROOT.glob("*.yml")])


def test_the_project_yaml_reads_the_same_with_libyaml():
    files = _project_yaml_files()
    assert len(files) > 30
    for path in files:
        assert read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path


def test_libyaml_is_what_reads_it():
    """The speed comes from libyaml; PyPI's PyYAML wheels carry it."""
    import bot.paths

    assert yaml.__with_libyaml__
    assert bot.paths._SAFE_LOADER is yaml.CSafeLoader


def test_bad_yaml_is_still_a_yaml_error(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("entries: [unclosed\n", encoding="utf-8")
    with pytest.raises(yaml.YAMLError):
        read_yaml(bad)


def test_warming_the_model_in_a_fresh_process(trained_model):
    """In a new process: before warming, nothing the first message reads is loaded; after,
    the lexicons and crisis patterns are, no conversation was stored, and a second call does
    nothing."""
    script = textwrap.dedent(f"""
        import asyncio
        from rasa.core.agent import load_agent
        from bot.nlu.lexicon import _lexicon_tables
        from bot.safety.crisis import load_lexicons
        from bot.warm_up import WARM_UP_SENDER, warm_up

        async def main():
            agent = await load_agent(model_path={str(trained_model)!r})
            assert _lexicon_tables.cache_info().currsize == 0
            assert load_lexicons.cache_info().currsize == 0
            seconds = await warm_up(agent)
            assert seconds is not None and seconds > 0, seconds
            assert _lexicon_tables.cache_info().currsize == 1
            assert load_lexicons.cache_info().currsize == 1
            assert list(await agent.tracker_store.keys()) == []
            assert await agent.tracker_store.retrieve(WARM_UP_SENDER) is None
            assert await warm_up(agent) is None  # once per agent
            print("ok")

        asyncio.run(main())
    """)
    result = subprocess.run([sys.executable, "-c", script], check=False, cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-3000:]


class _BrokenAgent:
    def is_ready(self) -> bool:
        return True

    async def parse_message(self, text: str) -> dict:
        raise RuntimeError("graph broke")


class _NoModel:
    def is_ready(self) -> bool:
        return False


def test_a_failed_warm_up_is_logged_not_raised(caplog):
    import asyncio

    with caplog.at_level(logging.ERROR, logger="bot.warm_up"):
        assert asyncio.run(warm_up(_BrokenAgent())) is None
    assert "Warming up the model failed" in caplog.text
    assert asyncio.run(warm_up(_NoModel())) is None


def test_warming_the_action_server_searches_the_directory(sessions):
    seconds = warm_action_server(sessions)
    assert seconds is not None and seconds >= 0


def test_the_action_server_starts_without_its_directory(caplog):
    def unreachable():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    with caplog.at_level(logging.WARNING, logger="bot.warm_up"):
        assert warm_action_server(unreachable) is None
    assert "Directory search at start failed" in caplog.text
