"""Shared pytest fixtures: fresh directory databases on SQLite and PostgreSQL.

``session`` and ``db_url`` are parametrised over both back ends, so every test that uses them
runs twice. PostgreSQL runs use throw-away schemas (via ``search_path``) that are dropped
afterwards, so runs are repeatable: ``db_url`` gets a new empty schema per test (for migration
tests), ``session`` a schema migrated once per run and emptied before each test. PostgreSQL is ``postgresql://postgres@127.0.0.1:5432/test`` unless
``TEST_DATABASE_URL`` says otherwise; when it is unreachable those runs are skipped, except on CI
(``CI=true``) where they fail.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.directory import db
from bot.directory.models import Base

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _pg_server_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG_URL


def unavailable(message: str) -> None:
    """Skip with the reason on a laptop; on CI (CI=true) a missing prerequisite fails."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def trained_model():
    """The model `make model` trained for the current data."""
    from bot.model import model_path

    path = model_path()
    if not path.exists():
        unavailable(f"no trained model for the current data ({path.name}): run `make model`")
    return path


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The PostgreSQL server URL, after checking it answers."""
    url = _pg_server_url()
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except SQLAlchemyError:
        unavailable(f"PostgreSQL not reachable at {url}: start it or set TEST_DATABASE_URL")
    finally:
        engine.dispose()
    return url


def _schema_url(server: str, schema: str) -> str:
    url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@contextmanager
def _throwaway_schema(server: str) -> Iterator[str]:
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = _schema_url(server, schema)
    try:
        yield url
    finally:
        db.dispose_engines(url)
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A URL whose connections use a fresh, empty schema (dropped after the test)."""
    with _throwaway_schema(pg_server) as url:
        yield url


@pytest.fixture(scope="session")
def pg_migrated_url(pg_server: str) -> Iterator[str]:
    """One migrated schema for the whole run; ``session`` empties its tables for each test."""
    with _throwaway_schema(pg_server) as url:
        db.upgrade(url)
        yield url


@pytest.fixture
def sqlite_url(tmp_path) -> Iterator[str]:
    """A URL for a new SQLite file in the test's temporary folder."""
    url = f"sqlite:///{tmp_path / 'directory.db'}"
    yield url
    db.dispose_engines(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """An empty database, on each back end in turn."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


def _empty_tables(url: str) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine(url).begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {tables} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def session(request: pytest.FixtureRequest) -> Iterator[Session]:
    """A session on an empty directory database migrated with ``upgrade()``, per back end."""
    if request.param == "sqlite":
        url = request.getfixturevalue("sqlite_url")
        db.upgrade(url)
    else:
        url = request.getfixturevalue("pg_migrated_url")
        _empty_tables(url)
    with db.session_factory(url)() as opened:
        yield opened
