"""A directory database seeded from the bundled Harrow data, shared by the assistant tests."""
import pytest

from bot.directory.db import ensure_database, session_factory


@pytest.fixture(scope="session")
def directory_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('directory') / 'directory.db'}"
    ensure_database(url)
    return url


@pytest.fixture
def sessions(directory_url):
    return session_factory(directory_url)


@pytest.fixture
def directory_env(directory_url, monkeypatch):
    """Point DATABASE_URL (what the actions read) at the seeded test database."""
    monkeypatch.setenv("DATABASE_URL", directory_url)
    return directory_url
