"""Staff commands: python -m bot import/export/list/show/stats/db/seed."""
from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import responses

from bot import cli
from bot.directory import db
from directory.oruk_factories import envelope, fixture_services, uid

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(envelope(fixture_services())), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_import_prints_counts(database: str, feed: Path, capsys: pytest.CaptureFixture) -> None:
    status, out, err = run(capsys, "import", str(feed))
    assert status == 0 and err == ""
    assert out == f"{feed}: 6 imported (6 new, 0 updated), 0 rejected\n"
    status, out, _ = run(capsys, "import", str(feed))
    assert "6 imported (0 new, 6 updated)" in out


def test_import_with_a_bad_record_keeps_the_rest_and_exits_1(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    records = fixture_services()
    bad = copy.deepcopy(records[0])
    bad["status"] = "open"
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([bad, *records[1:]]), encoding="utf-8")
    status, out, _ = run(capsys, "import", str(path))
    assert status == 1
    assert "5 imported (5 new, 0 updated), 1 rejected" in out
    assert f"  rejected {bad['id']}: status: \"open\" is not one of: active" in out
    _, listing, _ = run(capsys, "list")
    assert "4 service(s)" in listing  # five kept, one of them inactive


def test_import_of_a_broken_file_is_one_line_on_stderr(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"contents": [\n  {"id": "x",}\n]}', encoding="utf-8")
    status, out, err = run(capsys, "import", str(path))
    assert status == 2 and out == ""
    assert err == (f"error: {path}: not valid JSON (line 2, column 14): "
                   "fix the file or re-export it\n")


def test_missing_file_via_python_m_bot_has_no_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
           "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "bot", "import", "missing.json"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr == "error: missing.json: file not found: check the path\n"
    assert "Traceback" not in done.stderr


def test_export_to_stdout_and_file(database: str, feed: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture) -> None:
    run(capsys, "import", str(feed))
    status, out, _ = run(capsys, "export", "-")
    assert status == 0
    exported = json.loads(out)
    assert exported["total_items"] == 6
    target = tmp_path / "out.json"
    assert run(capsys, "export", str(target))[0] == 0
    assert json.loads(target.read_text("utf-8")) == exported


def test_export_to_a_missing_folder(database: str, tmp_path: Path,
                                    capsys: pytest.CaptureFixture) -> None:
    status, _, err = run(capsys, "export", str(tmp_path / "nope" / "out.json"))
    assert status == 2
    assert "does not exist: create it first" in err and err.count("\n") == 1


def test_list_and_category_filter(database: str, feed: Path,
                                  capsys: pytest.CaptureFixture) -> None:
    run(capsys, "import", str(feed))
    _, out, _ = run(capsys, "list", "--category", "advocacy")
    assert out == (f"{uid('service', 'advocacy')}  advocacy                Stanmore Advocacy\n"
                   "1 service(s)\n")
    _, out, _ = run(capsys, "list")
    assert "Civic Centre Interpreting  [sample]" in out
    assert "Old Interpreting Service" not in out
    status, _, err = run(capsys, "list", "--category", "housing")
    assert status == 2 and err.startswith("error: unknown category 'housing': use one of")


def test_show(database: str, feed: Path, capsys: pytest.CaptureFixture) -> None:
    run(capsys, "import", str(feed))
    status, out, _ = run(capsys, "show", uid("service", "closed"))
    assert status == 0
    assert out.startswith("Old Interpreting Service  (inactive)\n")
    _, out, _ = run(capsys, "show", uid("service", "civic"))
    assert "  phone: 020 7946 0001\n" in out
    assert "  languages: en, gu, ro, ta\n" in out
    status, _, err = run(capsys, "show", "nope")
    assert status == 2 and err == "error: no service with id 'nope': see `python -m bot list`\n"


def test_stats(database: str, feed: Path, capsys: pytest.CaptureFixture) -> None:
    run(capsys, "import", str(feed))
    status, out, _ = run(capsys, "stats")
    assert status == 0
    assert "active services: 5 (inactive: 1)" in out
    assert "sample data: 1, verified: 4" in out
    assert "  interpreting             4" in out
    assert "  ta      3" in out
    assert "  en      5" in out


def test_db_upgrade(database: str, capsys: pytest.CaptureFixture) -> None:
    status, out, _ = run(capsys, "db", "upgrade")
    assert status == 0 and out.startswith("database is up to date")
    from sqlalchemy import inspect

    assert "service" in inspect(db.engine(database)).get_table_names()


def test_seed_only_when_empty_unless_forced(database: str, feed: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr(db, "SEED_PATH", feed)
    status, out, _ = run(capsys, "seed")
    assert status == 0 and "6 imported (6 new, 0 updated)" in out
    status, out, _ = run(capsys, "seed")
    assert status == 0 and out.startswith("directory already has services")
    status, out, _ = run(capsys, "seed", "--force")
    assert status == 0 and "6 imported (0 new, 6 updated)" in out


def test_unreachable_database_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture) -> None:
    url = "postgresql://nobody@127.0.0.1:1/none"
    monkeypatch.setenv("DATABASE_URL", url)
    status, _, err = run(capsys, "stats")
    db.dispose_engines(url)
    assert status == 2
    assert err.startswith("error: database error (") and err.count("\n") == 1
    assert "check DATABASE_URL" in err


@responses.activate
def test_import_from_an_api_address(database: str, capsys: pytest.CaptureFixture) -> None:
    api = "https://directory.example.org/services"
    responses.get(api, json=envelope(fixture_services()[:2]))
    status, out, _ = run(capsys, "import", api)
    assert status == 0
    assert out == (f"{api}: 2 imported (2 new, 0 updated), 0 rejected, 0 no longer in the "
                   "feed marked inactive, 1 pages\n")
