"""Translators' workflow for the reply catalogs (``python -m bot i18n ...``).

``status`` counts entries and reviewed entries per language; ``export`` writes one language as
a CSV a translator can open in a spreadsheet (key, English, translation, reviewed);
``import`` reads it back, keeping every valid row and reporting each rejected one.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.i18n.catalog import CATALOG_DIR, SOURCE_LANGUAGE, CatalogError, _parse
from bot.nlg import domain_responses
from bot.paths import read_yaml

FIELD = re.compile(r"{(\w+)}")
COLUMNS = ("language", "key", "english", "translation", "reviewed")
YES = {"yes", "y", "true", "1", "x"}
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


class ReviewFileError(ValueError):
    """A file the translator or operator must fix; the message names it and the fix."""


def source_texts(directory: Path = CATALOG_DIR) -> dict[str, str]:
    """Every text a language must translate: the English catalog and the domain responses."""
    english = _read(directory / f"{SOURCE_LANGUAGE}.yml")
    texts = {key: value["text"] for key, value in english["entries"].items()}
    texts.update({f"response.{name}": variations[0].get("text", "")
                  for name, variations in domain_responses().items()})
    return texts


def _read(path: Path) -> dict:
    try:
        raw = read_yaml(path) or {}
    except OSError as err:
        raise ReviewFileError(f"{path}: {err.strerror}: check the language code") from err
    except yaml.YAMLError as err:
        raise ReviewFileError(f"{path}: not valid YAML ({err}): fix the file") from err
    raw.setdefault("entries", {})
    return raw


@dataclass
class LanguageStatus:
    language: str
    name: str
    entries: int
    reviewed: int
    missing: list[str]


def status(directory: Path = CATALOG_DIR) -> list[LanguageStatus]:
    wanted = source_texts(directory)
    rows = []
    for path in sorted(directory.glob("*.yml")):
        raw = _read(path)
        entries = raw["entries"]
        if path.stem == SOURCE_LANGUAGE:  # English responses live in domain.yml
            present = set(wanted)
            reviewed = sum(bool(e.get("reviewed")) for e in entries.values()) + \
                len(wanted) - len(entries)
        else:
            present = set(entries) & set(wanted)
            reviewed = sum(bool(entries[k].get("reviewed")) for k in present)
        rows.append(LanguageStatus(path.stem, raw.get("name", path.stem), len(present),
                                   reviewed, sorted(set(wanted) - present)))
    return rows


def export_csv(lang: str, directory: Path = CATALOG_DIR) -> str:
    entries = _read(directory / f"{lang}.yml")["entries"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for key, english in source_texts(directory).items():
        entry = entries.get(key) or {}
        writer.writerow([lang, key, english, entry.get("text", ""),
                         "yes" if entry.get("reviewed") else "no"])
    return out.getvalue()


@dataclass
class ImportResult:
    language: str
    updated: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)


def fields_of(text: str) -> set[str] | None:
    """The {placeholders} of ``text``, or None when it is not a valid template."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None
    return names if all(re.fullmatch(r"\w+", n) for n in names) else None


def _check_row(row: dict, wanted: dict[str, str]) -> str | None:
    key, text = row.get("key") or "", row.get("translation") or ""
    if key not in wanted:
        return "unknown key"
    if not text.strip():
        return "empty translation"
    if CONTROL.search(text):
        return "contains control characters: save the file as CSV UTF-8 and check the text"
    found, english = fields_of(text), fields_of(wanted[key])
    if found != english:
        return (f"placeholders {sorted(found) if found is not None else 'broken braces'} "
                f"differ from the English {sorted(english or ())}")
    if key == "response.utter_crisis" and not all(n in text for n in ("999", "111", "116 123")):
        return "the crisis reply must keep 999, 111 and 116 123"
    return None


DELIMITERS = ",;\t"  # a spreadsheet saves "CSV" with ";" where "," is the decimal mark


def _dialect(header_line: str) -> str:
    """The delimiter that splits the header into our columns (else the comma)."""
    for delimiter in DELIMITERS:
        names = {name.strip().strip('"').strip().lower() for name in header_line.split(delimiter)}
        if set(COLUMNS) <= names:
            return delimiter
    return ","


def _clean(row: dict) -> dict:
    """Header names and codes as a spreadsheet may have changed them ("Key ", "RO"), and a
    cell's line breaks as "\n" whatever the spreadsheet wrote (CR LF, or CR alone)."""
    cleaned = {(name or "").strip().lower(): value or "" for name, value in row.items()
               if isinstance(value, str)}
    for name in ("language", "key", "reviewed"):
        cleaned[name] = cleaned.get(name, "").strip()
    cleaned["language"] = cleaned["language"].lower()
    for name in ("english", "translation"):
        cleaned[name] = cleaned.get(name, "").replace("\r\n", "\n").replace("\r", "\n")
    return cleaned


def _rows(path: Path) -> list[dict]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
        reader = csv.DictReader(io.StringIO(text, newline=""),
                                delimiter=_dialect(text.split("\n", 1)[0]))
        header = {(name or "").strip().lower() for name in reader.fieldnames or ()}
        rows = [_clean(row) for row in reader]
    except OSError as err:
        raise ReviewFileError(f"{path}: {err.strerror}: check the path") from err
    except (csv.Error, UnicodeDecodeError) as err:
        raise ReviewFileError(f"{path}: not a readable UTF-8 CSV ({err}): save it as CSV "
                              "UTF-8 and try again") from err
    rows = [row for row in rows if any(value.strip() for value in row.values())]
    if not rows or not set(COLUMNS) <= header:
        raise ReviewFileError(f"{path}: needs the columns {', '.join(COLUMNS)}: start from "
                              "`python -m bot i18n export LANG`")
    return rows


def import_csv(path: Path, directory: Path = CATALOG_DIR) -> ImportResult:
    rows = _rows(path)
    languages = {row["language"] for row in rows}
    if len(languages) != 1 or not LANGUAGE_CODE.fullmatch(next(iter(languages)) or "") \
            or not (directory / f"{next(iter(languages))}.yml").exists():
        raise ReviewFileError(f"{path}: the language column must name one existing catalog "
                              f"(found {sorted(languages)})")
    lang = languages.pop()
    if lang == SOURCE_LANGUAGE:
        raise ReviewFileError(f"{path}: English is the source: edit domain.yml and "
                              "data/i18n/en.yml instead")
    catalog_path = directory / f"{lang}.yml"
    raw, wanted = _read(catalog_path), source_texts(directory)
    result = ImportResult(lang)
    for row in rows:
        problem = _check_row(row, wanted)
        if problem:
            result.rejected.append((row.get("key") or "?", problem))
            continue
        # reviewed only against the English as it is now, not as it was when exported
        current = (row.get("english") or "") == wanted[row["key"]]
        raw["entries"][row["key"]] = {"text": row["translation"], "reviewed": current and (
            row.get("reviewed") or "").strip().lower() in YES}
        result.updated += 1
    if result.updated:
        _write(catalog_path, raw, list(wanted))
    return result


def _write(path: Path, raw: dict, order: list[str]) -> None:
    entries = raw["entries"]
    keys = [k for k in order if k in entries] + [k for k in entries if k not in order]
    lines = [(f"# Reply catalog, {raw.get('name', path.stem)}. Edit with `python -m bot i18n "
             "export/import`; reviewed: true only after a fluent speaker has checked it."),
             f"language: {json.dumps(raw.get('language', path.stem), ensure_ascii=False)}",
             f"name: {json.dumps(raw.get('name', path.stem), ensure_ascii=False)}",
             f"direction: {raw.get('direction', 'ltr')}", "entries:"]
    lines += [f"  {key}: {{text: {json.dumps(entries[key]['text'], ensure_ascii=False)}, "
              f"reviewed: {'true' if entries[key].get('reviewed') else 'false'}}}"
              for key in keys]
    scratch = path.with_suffix(".yml.new")
    scratch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        _parse(scratch)  # never replace a working catalog with one that does not load
    except CatalogError as err:
        scratch.unlink()
        raise ReviewFileError(f"{path}: the imported text would not load ({err})") from err
    os.replace(scratch, path)
