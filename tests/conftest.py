"""Shared pytest fixtures: fresh directory databases on SQLite and PostgreSQL.

``session`` is parametrised over both back ends, so every test that uses it runs twice. The
PostgreSQL run uses a throw-away schema (via ``search_path``) that is dropped afterwards, so runs
are repeatable. PostgreSQL is ``postgresql://postgres@127.0.0.1:5432/test`` unless
``TEST_DATABASE_URL`` says otherwise; when it is unreachable those runs are skipped, except on CI
(``CI=true``) where they fail.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.directory import db

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _pg_server_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG_URL


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The PostgreSQL server URL, after checking it answers."""
    url = _pg_server_url()
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except SQLAlchemyError:
        message = f"PostgreSQL not reachable at {url}: start it or set TEST_DATABASE_URL"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    finally:
        engine.dispose()
    return url


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A URL whose connections use a fresh, empty schema (dropped after the test)."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(pg_server).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    try:
        yield rendered
    finally:
        db.dispose_engines(rendered)
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> Iterator[str]:  # noqa: ANN001
    """A URL for a new SQLite file in the test's temporary folder."""
    url = f"sqlite:///{tmp_path / 'directory.db'}"
    yield url
    db.dispose_engines(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """An empty database, on each back end in turn."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    """A session on a fresh database migrated to head with ``upgrade()``."""
    db.upgrade(db_url)
    with db.session_factory(db_url)() as opened:
        yield opened
