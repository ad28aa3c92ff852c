"""Turning directory results into replies: a readable text plus the `custom` contract object.

Every reply that presents services is ONE message: ``{"text": ..., "custom": {"type":
"services", ...}}`` (see DESIGN.md, "Contract with every client").
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote_plus

from bot.council import council_contact
from bot.i18n.catalog import SOURCE_LANGUAGE, direction, render

DESCRIPTION_CHARS = 160
MAP_SEARCH_URL = "https://www.openstreetmap.org/search?query={query}"


_ASIDE = re.compile(r"\s*\(([^()]*)\)")
_LAST_ASIDE = re.compile(r"(?<=\S)\s*\(([^()]*)\)\s*$")


def without_brackets(label: str) -> str:
    """A label's aside without its brackets, for text that is itself in brackets or followed
    by them: "advocacy (someone to speak up for you)" -> "advocacy – someone to speak up for
    you", "حلقة سمعية (hearing loop)" -> "حلقة سمعية – hearing loop"; an aside inside the
    label just loses its brackets ("સંભાળ રાખનારાઓ (carers) માટે મદદ")."""
    label = _LAST_ASIDE.sub(lambda m: f" – {m.group(1)}", label)
    return _ASIDE.sub(lambda m: f" {m.group(1)}", label).strip()


def category_label(category: str, lang: str, filters: str = "") -> str:
    """The need's name; followed by a bracketed ``filters`` phrase, without brackets of its
    own ("advocacy (someone to speak up for you) (nearest to Pinner first)" read badly)."""
    label = render(f"category.{category}", lang)
    return without_brackets(label) if filters else label


def language_name(code: str, lang: str) -> str:
    try:
        return render(f"language.{code}", lang)
    except KeyError:
        return code


def filters_phrase(place: str | None, spoken_language: str | None, access: Iterable[str],
                   open_now: bool, lang: str, open_days: Iterable[str] = ()) -> str:
    """' (nearest to Pinner first, speaking Tamil, open now, open on Saturdays)' or '' when
    nothing narrows (``open_days``: day codes, "SA")."""
    parts = []
    if place:
        parts.append(render("filter.near", lang, place=place))
    if spoken_language:
        parts.append(render("filter.language", lang,
                            language=without_brackets(language_name(spoken_language, lang))))
    for code in access:
        parts.append(render("filter.access", lang,
                            access=without_brackets(render(f"access.{code}", lang))))
    if open_now:
        parts.append(render("filter.open_now", lang))
    if open_days:
        days = render("filter.day_or", lang).join(render(f"weekday.{code}", lang)
                                                   for code in open_days)
        parts.append(render("filter.open_day", lang, day=days))
    return f" ({render('filter.joiner', lang).join(parts)})" if parts else ""


def short_description(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """The first sentence, or the text cut at a word boundary with an ellipsis."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    first = text.split(". ")[0].rstrip(".")
    candidate = first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + "…"
    return candidate + ("." if not candidate.endswith("…") else "")


def full_address(service: dict) -> str:
    """'Station Road, Harrow, HA1 1AA' ('' for a service with no building)."""
    return ", ".join(p for p in (service.get("address"), service.get("postcode")) if p)


def map_url(service: dict) -> str | None:
    where = full_address(service)
    return MAP_SEARCH_URL.format(query=quote_plus(where)) if where else None


def _status(service: dict, lang: str) -> str:
    if service.get("open_now") is True:
        return " — " + render("service.open_now", lang)
    if service.get("open_now") is False:
        return " — " + render("service.closed_now", lang)
    return ""


def _contact_line(service: dict, lang: str) -> str:
    parts = [render(f"service.{field}", lang, value=service[field])
             for field in ("phone", "email", "url") if service.get(field)]
    return " · ".join(parts)


def _address_line(service: dict, lang: str) -> str:
    where = full_address(service)
    if not where:
        return ""
    line = render("service.address", lang, value=where)
    if service.get("distance_km") is not None:
        line += f" ({render('service.distance', lang, km=service['distance_km'])})"
    return line


def service_lines(index: int, service: dict, lang: str) -> list[str]:
    lines = [f"{index}. {service['name']}{_status(service, lang)}"]
    details = [short_description(service.get("description", "")), _contact_line(service, lang),
               _address_line(service, lang)]
    if service.get("opening_hours"):
        details.append(render("service.hours", lang, value=service["opening_hours"]))
    if service.get("note"):  # the directory's alert ("not running yet", "closed in August")
        details.append(render("service.note", lang, value=service["note"]))
    return lines + [f"   {line}" for line in details if line]


def services_custom(services: list[dict], category: str | None, lang: str, **extra) -> dict:
    return {"type": "services", "language": lang, "dir": direction(lang),
            "category": category, "services": services, **extra}


def services_message(services: list[dict], total: int, category: str, filters: str,
                     lang: str) -> dict:
    """The list of services: numbered readable text and the machine-readable contract (which
    also carries the intro line as ``summary`` and the closing lines as ``notes``, so a
    widget can show cards between them)."""
    count = len(services)
    count_phrase = (render("services.count_one", lang) if count == 1
                    else render("services.count_many", lang, count=count))
    summary = render("services.intro", lang, count_phrase=count_phrase,
                     category=category_label(category, lang, filters), filters=filters)
    lines = [summary]
    for index, service in enumerate(services, start=1):
        lines.extend(service_lines(index, service, lang))
    notes = []
    if total > count:
        notes.append(render("services.more", lang, total=total, count=count))
    if any(s.get("sample_data") for s in services):
        notes.append(render("service.sample", lang))
    if any(s.get("machine_translated") for s in services):
        notes.append(render("services.machine_translated", lang))
    if lang != SOURCE_LANGUAGE and not all(s.get("machine_translated") for s in services):
        notes.append(render("services.untranslated", lang))
    return {"text": "\n".join(lines + notes),
            "custom": services_custom(services, category, lang, total=total, summary=summary,
                                      notes=notes)}


def contact_route(lang: str) -> str:
    council = council_contact()
    return render("none.contact", lang, phone=council.phone_in(lang),
                  hours=council.hours_in(lang), web=council.web)


def text_message(text: str, buttons: list[dict] | None = None) -> dict:
    message: dict = {"text": text}
    if buttons:
        message["buttons"] = buttons
    return message
