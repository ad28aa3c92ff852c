"""Migrations, engines and first-run seeding."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.directory import db
from bot.directory.models import Base, Service
from directory.oruk_factories import envelope, fixture_services

REPO = Path(__file__).resolve().parents[2]
ORUK_TABLES = {
    "organization", "service", "location", "address", "service_at_location", "contact",
    "phone", "schedule", "language", "accessibility", "taxonomy_term", "attribute",
}


def test_upgrade_creates_every_oruk_table(db_url: str) -> None:
    db.upgrade(db_url)
    tables = set(inspect(db.engine(db_url)).get_table_names())
    assert ORUK_TABLES <= tables
    assert "alembic_version" in tables


def test_upgrade_twice_is_harmless(db_url: str) -> None:
    db.upgrade(db_url)
    db.upgrade(db_url)
    with db.engine(db_url).connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    assert current == ScriptDirectory.from_config(db.alembic_config(db_url)).get_current_head()
    assert current == "0004"  # feed_import (issue 6)


def test_models_and_migrations_agree(db_url: str) -> None:
    db.upgrade(db_url)
    with db.engine(db_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_database_url_defaults_to_sqlite_under_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    url = db.database_url()
    assert url == f"sqlite:///{REPO / 'var' / 'directory.db'}"
    assert (REPO / "var").is_dir()


def test_database_url_reads_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.example/harrow")
    assert db.database_url() == "postgresql://u@db.example/harrow"


def test_session_factory_is_cached_per_url(sqlite_url: str, tmp_path: Path) -> None:
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert db.session_factory(sqlite_url) is db.session_factory(sqlite_url)
    assert db.session_factory(sqlite_url) is not db.session_factory(other)
    db.dispose_engines(other)


def test_ensure_database_seeds_only_an_empty_directory(db_url: str, tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(envelope(fixture_services())), encoding="utf-8")
    report = db.ensure_database(db_url, seed_path=seed)
    assert report is not None and report.created == 6
    assert db.ensure_database(db_url, seed_path=seed) is None  # not empty any more
    with db.session_factory(db_url)() as session:
        assert db.count_services(session) == 6
        assert session.get(Service, fixture_services()[0]["id"]).name == \
            "Civic Centre Interpreting"


def test_upgrade_works_from_any_working_directory(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    code = f"from bot.directory.db import upgrade; upgrade({url!r})"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True)
    db.dispose_engines(url)
    assert "service" in inspect(db.engine(url)).get_table_names()
    db.dispose_engines(url)


def test_alembic_command_line_uses_database_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'operator.db'}"
    alembic = Path(sys.executable).with_name("alembic")
    if not alembic.exists():
        pytest.skip(f"alembic command not installed next to {sys.executable}")
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([str(alembic), "upgrade", "head"], cwd=REPO, env=env, check=True,
                   capture_output=True)
    assert "attribute" in inspect(db.engine(url)).get_table_names()
    db.dispose_engines(url)
