"""Staff commands for the support-services directory.

    import FILE|URL [--resume]
                           import ORUK 3.0 / v1 JSON, or synchronise with every page of an
                           ORUK /services API: upserts by id, services the feed no longer
                           lists marked inactive, retried with back-off, resumable
                           (exit 1 if any record was rejected)
    export FILE|-          write the directory as ORUK 3.0 JSON ("-" = stdout)
    list [--category C]    one line per active service
    show ID                one service, as residents would see it
    stats                  services per category and language, sample vs verified
    db upgrade             run the database migrations
    seed [--force]         import the bundled Harrow directory (if empty, or always)
    purge [--days N]       delete conversations older than the retention period (default 30
                           days, CONVERSATION_RETENTION_DAYS) and requests closed more than
                           REQUEST_RETENTION_DAYS (default 30) ago; run it daily from cron
    report --since DATE [--out DIR]
                           equity report for staff: report.html (charts) and report.csv
    requests list [--type callback|interpreter] [--language L] [--older-than DAYS] [--all]
    requests show REF | done REF | export FILE|-
                           residents' callback and interpreter requests

The database is ``DATABASE_URL`` (default: the SQLite file ``var/directory.db``). Operator
errors print one line to stderr and exit with status 2.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.directory import db
from bot.directory.categories import CATEGORIES, label
from bot.directory.exporter import export_services
from bot.directory.importer import (
    ImportFileError,
    ImportReport,
    import_path,
    import_url,
)
from bot.directory.models import ACTIVE, Service
from bot.directory.search import ServiceQuery, find_services, get_service


class CommandError(Exception):
    """An operator mistake; the message is printed as one line."""


def _session() -> Session:
    url = db.database_url()
    db.upgrade(url)
    return db.session_factory(url)()


def _print_report(report: ImportReport) -> int:
    print(f"{report.source}: {report.summary()}")
    for record_id, reason in report.errors:
        print(f"  rejected {record_id}: {reason}")
    return 1 if report.errors else 0


def cmd_import(args: argparse.Namespace) -> int:
    with _session() as session:
        if args.file.startswith(("http://", "https://")):
            return _print_report(import_url(session, args.file, resume=args.resume))
        return _print_report(import_path(session, args.file))


def cmd_export(args: argparse.Namespace) -> int:
    with _session() as session:
        text = json.dumps(export_services(session), ensure_ascii=False, indent=2) + "\n"
    if args.file == "-":
        sys.stdout.write(text)
        return 0
    target = Path(args.file)
    if not target.parent.exists():
        raise CommandError(f"{args.file}: folder {target.parent} does not exist: create it first")
    target.write_text(text, encoding="utf-8")
    print(f"wrote {args.file}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    if args.category and args.category not in CATEGORIES:
        raise CommandError(f"unknown category {args.category!r}: use one of "
                           + ", ".join(CATEGORIES))
    with _session() as session:
        result = find_services(session, ServiceQuery(category=args.category, limit=10_000))
    for service in sorted(result.services, key=lambda s: (s["name"].casefold(), s["id"])):
        sample = "  [sample]" if service["sample_data"] else ""
        category = service["categories"][0] if service["categories"] else "-"
        print(f"{service['id']}  {category:<22}  {service['name']}{sample}")
    print(f"{result.total} service(s)")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with _session() as session:
        service = get_service(session, args.id, active_only=False)
        status = session.execute(select(Service.status).where(Service.id == args.id)).scalar()
    if service is None:
        raise CommandError(f"no service with id {args.id!r}: see `python -m bot list`")
    print(f"{service['name']}  ({status})")
    for key, value in service.items():
        if key in ("name",):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        print(f"  {key}: {'' if shown is None else shown}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with _session() as session:
        result = find_services(session, ServiceQuery(limit=10_000))
        inactive = session.execute(
            select(Service.id).where(Service.status != ACTIVE)
        ).scalars().all()
    services = result.services
    categories = Counter(c for s in services for c in s["categories"])
    languages = Counter(code for s in services for code in s["languages"])
    sample = sum(s["sample_data"] for s in services)
    print(f"active services: {len(services)} (inactive: {len(inactive)})")
    print(f"sample data: {sample}, verified: {len(services) - sample}")
    print("services per category:")
    for code in CATEGORIES:
        print(f"  {code:<22} {categories.get(code, 0):>3}  {label(code)}")
    print("services per language:")
    for code, count in sorted(languages.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {code:<5} {count:>3}")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    url = db.database_url()
    db.upgrade(url)
    print(f"database is up to date ({_safe(url)})")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    url = db.database_url()
    if not args.force:
        report = db.ensure_database(url, seed_path=db.SEED_PATH)
        if report is None:
            print("directory already has services: nothing to do (use --force to re-import)")
            return 0
        return _print_report(report)
    with _session() as session:
        return _print_report(import_path(session, db.SEED_PATH))


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub = commands.add_parser("import", help="import an ORUK JSON file or /services API")
    sub.add_argument("file", help="a .json file, or the http(s) address of a /services API")
    sub.add_argument("--resume", action="store_true",
                     help="API: carry on from the page where an interrupted import stopped")
    sub.set_defaults(run=cmd_import)
    sub = commands.add_parser("export", help="export the directory as ORUK 3.0 JSON")
    sub.add_argument("file", help="output file, or - for stdout")
    sub.set_defaults(run=cmd_export)
    sub = commands.add_parser("list", help="list active services")
    sub.add_argument("--category", help="only services in this category code")
    sub.set_defaults(run=cmd_list)
    sub = commands.add_parser("show", help="show one service")
    sub.add_argument("id")
    sub.set_defaults(run=cmd_show)
    commands.add_parser("stats", help="directory statistics").set_defaults(run=cmd_stats)
    sub = commands.add_parser("db", help="database maintenance")
    sub.add_argument("action", choices=["upgrade"])
    sub.set_defaults(run=cmd_db)
    sub = commands.add_parser("i18n", help="reply catalogs: status, export LANG, import FILE")
    sub.add_argument("action", choices=("status", "export", "import"))
    sub.add_argument("target", nargs="?", help="LANG for export, FILE for import")
    sub.add_argument("--out", default="-", help="export: file to write (default stdout)")
    sub.set_defaults(run=cmd_i18n)
    sub = commands.add_parser("purge", help="delete conversations past retention")
    sub.add_argument("--days", type=float, help="retention in days (default 30)")
    sub.add_argument("--endpoints", default=None, help="endpoints.yml naming the tracker store")
    sub.set_defaults(run=cmd_purge)
    sub = commands.add_parser("report", help="equity report (HTML with charts, and CSV)")
    sub.add_argument("--since", required=True, help="first day, YYYY-MM-DD")
    sub.add_argument("--out", default="results/report", help="folder to write into")
    sub.add_argument("--endpoints", default=None, help="endpoints.yml naming the tracker store")
    sub.set_defaults(run=cmd_report)
    sub = commands.add_parser("requests", help="callback and interpreter requests")
    sub.add_argument("action", choices=("list", "show", "done", "export"))
    sub.add_argument("target", nargs="?", help="show/done: a reference; export: FILE or -")
    sub.add_argument("--type", choices=("callback", "interpreter"), dest="kind")
    sub.add_argument("--language", help="language code (call, interpreter or conversation)")
    sub.add_argument("--older-than", type=float, metavar="DAYS", dest="older_than")
    sub.add_argument("--all", action="store_true", help="include requests already done")
    sub.set_defaults(run=cmd_requests)
    sub = commands.add_parser("seed", help="import the bundled Harrow directory")
    sub.add_argument("--force", action="store_true", help="re-import even if not empty")
    sub.set_defaults(run=cmd_seed)
    return parser


def cmd_i18n(args: argparse.Namespace) -> int:
    from bot.i18n import review

    try:
        if args.action == "status":
            for row in review.status():
                missing = f", missing {len(row.missing)}" if row.missing else ""
                print(f"{row.language}  {row.name:<12} {row.entries} entries, "
                      f"{row.reviewed} reviewed{missing}")
            return 0
        if not args.target:
            raise CommandError(f"i18n {args.action} needs "
                               f"{'a language code' if args.action == 'export' else 'a CSV file'}")
        if args.action == "export":
            text = review.export_csv(args.target)
            if args.out == "-":
                sys.stdout.write(text)
            else:
                # with a byte-order mark, so spreadsheet programs read it as UTF-8
                Path(args.out).write_text(text, encoding="utf-8-sig")
            return 0
        result = review.import_csv(Path(args.target))
    except review.ReviewFileError as exc:
        raise CommandError(str(exc)) from exc
    print(f"{result.language}: {result.updated} entries updated, "
          f"{len(result.rejected)} rejected")
    for key, reason in result.rejected:
        print(f"  rejected {key}: {reason}")
    return 1 if result.rejected else 0


def cmd_purge(args: argparse.Namespace) -> int:
    from bot import requests as help_requests
    from bot.retention import (
        ENDPOINTS_FILE,
        RetentionConfigError,
        purge_conversations,
        retention_days,
    )

    try:
        days = retention_days(args.days)
        request_days = help_requests.request_retention_days()
        purged = purge_conversations(days, Path(args.endpoints or ENDPOINTS_FILE))
    except RetentionConfigError as exc:
        raise CommandError(str(exc)) from exc
    from bot.help_flow import purge_abandoned_drafts

    with _session() as session:
        closed = help_requests.purge_closed_requests(session, request_days)
        purge_abandoned_drafts(session)
    print(f"{purged} conversations older than {days:g} days deleted")
    print(f"{closed} requests closed more than {request_days:g} days ago deleted")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from datetime import date

    from bot.report import write_report
    from bot.retention import ENDPOINTS_FILE, RetentionConfigError, conversation_store

    try:
        since = date.fromisoformat(args.since)
    except ValueError as exc:
        raise CommandError(f"--since {args.since!r} is not a date: use YYYY-MM-DD") from exc
    try:
        store = conversation_store(Path(args.endpoints or ENDPOINTS_FILE))
    except RetentionConfigError as exc:
        raise CommandError(str(exc)) from exc
    tracker_url = store.engine.url.render_as_string(hide_password=False)
    with _session() as session:
        page = write_report(tracker_url, session, since, Path(args.out))
    print(f"wrote {page} and {page.with_suffix('.csv')}")
    return 0


def cmd_requests(args: argparse.Namespace) -> int:
    with _session() as session:
        return _requests_command(session, args)


def _requests_command(session: Session, args: argparse.Namespace) -> int:
    from bot import requests as help_requests

    if args.action in ("show", "done"):
        if not args.target:
            raise CommandError(f"requests {args.action} needs a reference, e.g. HSA-7K3M9Q")
        try:
            row = (help_requests.close_request(session, args.target) if args.action == "done"
                   else help_requests.get_request(session, args.target))
        except help_requests.RequestError as exc:
            raise CommandError(str(exc)) from exc
        if row is None:
            raise CommandError(f"no request {args.target!r}")
        print(help_requests.describe(row) if args.action == "show"
              else f"{row.reference} marked done")
        return 0
    rows = help_requests.find_requests(session, kind=args.kind, language=args.language,
                                       older_than_days=args.older_than,
                                       status=None if args.all else help_requests.OPEN)
    if args.action == "export":
        text = help_requests.requests_csv(rows)
        if not args.target or args.target == "-":
            sys.stdout.write(text)
        else:
            Path(args.target).write_text(text, encoding="utf-8-sig")
        return 0
    for row in rows:
        language = row.interpreter_language or row.call_language or row.conversation_language
        print(f"{row.reference}  {row.kind:<11} {row.status:<4} {row.created:%Y-%m-%d %H:%M}  "
              f"{language:<3} {row.first_name}")
    print(f"{len(rows)} requests")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (CommandError, ImportFileError) as exc:
        return _fail(str(exc))
    except BrokenPipeError:  # e.g. `python -m bot export - | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        return _fail(f"database error ({detail}): check DATABASE_URL and that the database is up")
    except OSError as exc:
        return _fail(f"{exc.filename or 'file'}: {exc.strerror}: check the path and permissions")


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2
