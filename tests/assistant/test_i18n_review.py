"""Translators' round trip: export a language to CSV, review it, import it back."""
import csv
import io
import shutil

import pytest

from bot.cli import main
from bot.i18n import review
from bot.i18n.catalog import CATALOG_DIR


@pytest.fixture
def catalogs(tmp_path):
    directory = tmp_path / "i18n"
    shutil.copytree(CATALOG_DIR, directory)
    return directory


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def write_rows(path, data):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=review.COLUMNS)
        writer.writeheader()
        writer.writerows(data)


def test_status_counts_entries_and_reviewed(catalogs):
    by_language = {row.language: row for row in review.status(catalogs)}
    wanted = len(review.source_texts(catalogs))
    assert by_language["ro"].entries == wanted and by_language["ro"].missing == []
    assert by_language["ro"].reviewed == 0
    assert by_language["en"].reviewed == wanted


def test_export_then_import_marks_reviewed_and_keeps_the_catalog_loadable(catalogs, tmp_path):
    exported = rows(review.export_csv("ro", catalogs))
    assert len(exported) == len(review.source_texts(catalogs))
    greet = next(r for r in exported if r["key"] == "response.utter_greet")
    greet["translation"] = "Bună ziua! Cu ce vă pot ajuta?"
    greet["reviewed"] = "yes"
    path = tmp_path / "ro.csv"
    write_rows(path, [greet])
    result = review.import_csv(path, catalogs)
    assert (result.updated, result.rejected) == (1, [])
    again = {r["key"]: r for r in rows(review.export_csv("ro", catalogs))}
    assert again["response.utter_greet"]["translation"] == "Bună ziua! Cu ce vă pot ajuta?"
    assert again["response.utter_greet"]["reviewed"] == "yes"
    assert again["services.intro"]["reviewed"] == "no", "other entries untouched"
    status = {row.language: row for row in review.status(catalogs)}["ro"]
    assert status.reviewed == 1 and status.missing == []


def test_bad_rows_are_rejected_one_by_one(catalogs, tmp_path):
    exported = {r["key"]: r for r in rows(review.export_csv("pl", catalogs))}
    broken = dict(exported["services.intro"], translation="Oto usługi", reviewed="yes")
    unknown = dict(exported["services.intro"], key="no.such.key")
    good = dict(exported["access.bsl"], translation="BSL (język migowy)", reviewed="yes")
    path = tmp_path / "pl.csv"
    write_rows(path, [broken, unknown, good])
    result = review.import_csv(path, catalogs)
    assert result.updated == 1
    assert [key for key, _ in result.rejected] == ["services.intro", "no.such.key"]
    assert "placeholders" in result.rejected[0][1]


def test_cli_gives_one_line_errors(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("just,some,columns\n1,2,3\n", encoding="utf-8")
    assert main(["i18n", "import", str(bad)]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("error:") and "columns" in error and "\n" not in error
    assert main(["i18n", "export"]) == 2
    assert main(["i18n", "export", "xx"]) == 2


def test_import_refuses_a_language_that_is_not_a_catalog(catalogs, tmp_path):
    row = rows(review.export_csv("ro", catalogs))[0]
    for language in ("../languages", "/etc/passwd", "r o", "xx"):
        path = tmp_path / "evil.csv"
        write_rows(path, [dict(row, language=language)])
        with pytest.raises(review.ReviewFileError):
            review.import_csv(path, catalogs)
    assert (catalogs.parent / "languages.yml").exists() is False


def test_broken_braces_control_characters_and_missing_numbers_are_rejected(catalogs, tmp_path):
    exported = {r["key"]: r for r in rows(review.export_csv("ro", catalogs))}
    before = (catalogs / "ro.yml").read_text(encoding="utf-8")
    bad = [dict(exported["response.utter_greet"], translation="Bună {"),
           dict(exported["response.utter_greet"], translation="Bun\x81ă"),
           dict(exported["response.utter_crisis"], translation="Sunați la urgențe.")]
    path = tmp_path / "ro.csv"
    write_rows(path, bad)
    result = review.import_csv(path, catalogs)
    assert result.updated == 0 and len(result.rejected) == 3
    assert (catalogs / "ro.yml").read_text(encoding="utf-8") == before, "nothing rewritten"


def test_reviewed_only_against_the_current_english(catalogs, tmp_path):
    row = next(r for r in rows(review.export_csv("ro", catalogs)) if r["key"] == "access.bsl")
    path = tmp_path / "ro.csv"
    write_rows(path, [dict(row, english="an older English text", translation="BSL",
                           reviewed="yes")])
    assert review.import_csv(path, catalogs).updated == 1
    again = {r["key"]: r for r in rows(review.export_csv("ro", catalogs))}
    assert again["access.bsl"]["reviewed"] == "no"


def test_export_file_has_a_byte_order_mark_for_spreadsheets(tmp_path):
    out = tmp_path / "ro.csv"
    assert main(["i18n", "export", "ro", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_spreadsheets_own_csv_is_read_as_the_export(catalogs, tmp_path):
    """Excel in Polish, Romanian or Portuguese settings saves "CSV" with semicolons; people
    retype headers ("Key ") and codes ("PL"); a cell's line break may be CR LF or CR."""
    exported = {r["key"]: r for r in rows(review.export_csv("pl", catalogs))}
    greet = exported["response.utter_greet"]
    path = tmp_path / "pl-excel.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(["Language", "Key ", "English", "Translation", "Reviewed"])
        writer.writerow(["PL", f" {greet['key']}", greet["english"],
                         "Dzień dobry!\r\nW czym mogę pomóc?\rProszę pisać.", "Yes"])
    result = review.import_csv(path, catalogs)
    assert (result.language, result.updated, result.rejected) == ("pl", 1, [])
    again = {r["key"]: r for r in rows(review.export_csv("pl", catalogs))}
    assert again["response.utter_greet"]["translation"] == \
        "Dzień dobry!\nW czym mogę pomóc?\nProszę pisać."
    assert again["response.utter_greet"]["reviewed"] == "yes"
