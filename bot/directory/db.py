"""Directory database: where it is, engines and sessions, migrations and first-run seeding.

The database is ``DATABASE_URL`` when set (PostgreSQL in production), else the SQLite file
``var/directory.db`` under the repository root. The schema is managed by Alembic migrations in
``bot/directory/migrations``; ``upgrade()`` runs them to head from any working directory.
"""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from bot.paths import DATA_DIR, VAR_DIR

if TYPE_CHECKING:
    from bot.directory.importer import ImportReport

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SEED_PATH = DATA_DIR / "directory" / "harrow.json"


def database_url() -> str:
    """``DATABASE_URL`` if set, else the SQLite file under ``var/`` (created if missing)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR_DIR / 'directory.db'}"


def make_engine(url: str) -> Engine:
    """A new engine for ``url``; SQLite gets foreign keys and working SAVEPOINTs."""
    if url.startswith("sqlite"):
        created = create_engine(url, future=True)
        _fix_sqlite(created)
        return created
    return create_engine(url, future=True, pool_pre_ping=True)


def _fix_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT, which the importer uses to keep
    # good records when one fails; this is the recipe from the SQLAlchemy SQLite docs.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN")


_ENGINES: dict[str, Engine] = {}
_FACTORIES: dict[str, sessionmaker] = {}
_LOCK = threading.Lock()


def engine(url: str | None = None) -> Engine:
    """The shared (cached) engine for ``url`` (default ``database_url()``)."""
    target = url or database_url()
    with _LOCK:
        if target not in _ENGINES:
            _ENGINES[target] = make_engine(target)
        return _ENGINES[target]


def session_factory(url: str | None = None) -> sessionmaker:
    """A cached ``sessionmaker`` for ``url`` (default ``database_url()``)."""
    target = url or database_url()
    bound = engine(target)
    with _LOCK:
        if target not in _FACTORIES:
            _FACTORIES[target] = sessionmaker(bind=bound, future=True, expire_on_commit=False)
        return _FACTORIES[target]


def open_session() -> Session:
    """A session on the configured directory (``database_url()`` when called), for code that
    takes a session factory: nothing connects until it is called, so a connection error
    reaches the caller's own handler (bot.dialogue's, the translator's)."""
    return session_factory()()


def dispose_engines(url: str | None = None) -> None:
    """Close and forget the cached engine for ``url``, or every cached engine."""
    with _LOCK:
        for key in [url] if url else list(_ENGINES):
            cached = _ENGINES.pop(key, None)
            if cached is not None:
                cached.dispose()
            _FACTORIES.pop(key, None)


def alembic_config(url: str | None = None) -> Config:
    """Alembic configuration pointing at the package's migrations, independent of cwd."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str | None = None) -> None:
    """Run the directory migrations up to head on ``url`` (default ``database_url()``)."""
    target = url or database_url()
    config = alembic_config(target)
    with engine(target).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def count_services(session: Session) -> int:
    """Number of service rows (any status)."""
    from bot.directory.models import Service

    return session.execute(select(func.count()).select_from(Service)).scalar_one()


def ensure_database(
    url: str | None = None, seed_path: str | Path | None = None
) -> ImportReport | None:
    """Upgrade the schema, then import the bundled directory if there are no services yet.

    Returns the ``ImportReport`` when it seeded, else None. A missing default seed file is
    logged and skipped; a missing explicit ``seed_path`` raises ``ImportFileError``.
    """
    from bot.directory.importer import import_path

    upgrade(url)
    path = Path(seed_path) if seed_path else SEED_PATH
    with session_factory(url)() as session:
        if count_services(session):
            return None
        if seed_path is None and not path.exists():
            log.warning("directory is empty and %s is missing: nothing to seed", path)
            return None
        report = import_path(session, path)
    log.info("seeded directory from %s: %s", path, report.summary())
    return report
