"""What the assistant does on a turn, independent of Rasa: the actions are thin adapters.

``search_turn`` answers a need or a narrowing follow-up with services from the directory;
``detail_turn`` answers "what's their phone number?" about services already listed.
Both return the messages to send and the slot values to remember.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from bot.conversation_language import LANGUAGE_ENTITIES
from bot.directory.access import ACCESS_LABELS
from bot.directory.hours import DAY_CODES, london_now
from bot.directory.search import (
    ServiceQuery,
    UnknownFilter,
    UnknownPlace,
    active_service_names,
    find_services,
    get_service,
    opens_on_days,
)
from bot.i18n.catalog import render, tagged_with_language
from bot.i18n.detect import word_count
from bot.i18n.translate import MachineTranslator, translate_services
from bot.nlu.lexicon import (
    NARROWING_ENTITIES,
    WHEN_ENTITIES,
    asked_aspects,
    mentions_council,
    only_fillers_beside,
    without_spans,
)
from bot.replies import (
    category_label,
    contact_route,
    filters_phrase,
    full_address,
    map_url,
    services_custom,
    services_message,
    text_message,
)

logger = logging.getLogger(__name__)

NEED_PREFIX = "need_"
TRUE_VALUES = {"true", "yes", "1"}
RESULT_LIMIT = 5
CATEGORY_BUTTONS = ("interpreting", "advocacy", "conversation_cafe", "customer_access_point",
                    "mental_health", "carers", "safeguarding", "accessible_information",
                    "digital_inclusion", "employment_support", "community_groups",
                    "care_assessment")

SessionFactory = Callable[[], AbstractContextManager]


@dataclass(frozen=True)
class SearchFilters:
    category: str | None = None
    place: str | None = None
    spoken_language: str | None = None
    access: tuple[str, ...] = ()
    open_now: bool = False
    open_days: tuple[str, ...] = ()  # day codes ("SA"): open on the next such day

    @property
    def narrowed(self) -> bool:
        return bool(self.place or self.spoken_language or self.access or self.open_now
                    or self.open_days)

    def phrase(self, lang: str) -> str:
        return filters_phrase(self.place, self.spoken_language, self.access, self.open_now, lang,
                              open_days=self.open_days)

    def query(self) -> ServiceQuery:
        return ServiceQuery(category=self.category, language=self.spoken_language,
                            access=self.access, near=self.place, open_now=self.open_now,
                            open_days=self.open_days, limit=RESULT_LIMIT)


@dataclass
class Turn:
    messages: list[dict] = field(default_factory=list)
    slots: dict = field(default_factory=dict)


def entity_values(entities: Iterable[dict], name: str) -> list[str]:
    return [str(e["value"]) for e in entities if e.get("entity") == name and e.get("value")]


def category_for_intent(intent: str | None) -> str | None:
    if intent and intent.startswith(NEED_PREFIX):
        category = intent[len(NEED_PREFIX):]
        return category if category in CATEGORY_BUTTONS else None
    return None


# Below this confidence, a need other than the one listed, in a message that names a place,
# a language spoken, an access need, "open now" or a day, is read as narrowing the list: "în
# centrul Harrow" or "يتكلم الأردية" after mental-health services scored 0.44-0.71 for some
# other need, while "carers in Pinner" or "أحتاج دعم نفسي في إدجوير" score 0.95 and more.
NEW_NEED_MIN_CONFIDENCE = 0.9
INTERPRETING_NEED = "need_interpreting"


# ... and only in a short message: a sentence that explains a new need ("fiul meu are nevoie
# de ajutor să-și găsească un loc de muncă, locuim în Wealdstone") is that need.
NARROWING_MAX_WORDS = 6


def narrows_the_list(intent: str | None, confidence: float | None, entities: list[dict],
                     previous: SearchFilters, text: str = "") -> bool:
    """A follow-up that only says where, who or how, which the classifier half-took for
    another need: it narrows the search the resident is in instead of replacing it."""
    category = category_for_intent(intent)
    return (previous.category is not None and category not in (None, previous.category)
            and confidence is not None and confidence < NEW_NEED_MIN_CONFIDENCE
            and word_count(text) <= NARROWING_MAX_WORDS
            and any(entity_values(entities, name) for name in NARROWING_ENTITIES))


TOMORROW = "+1"


def open_days_named(entities: list[dict], today: date | None = None) -> tuple[str, ...]:
    """The day codes a message names, in week order ("SA,SU", the weekend, is both;
    "tomorrow", ``+1``, the day after London's ``today``); a code that is not a day (a
    hand-typed payload) is left out."""
    named = {code.strip() for value in entity_values(entities, "open_day")
             for code in value.upper().split(",")}
    if TOMORROW in named:
        day = (today or london_now().date()) + timedelta(days=1)
        named.add(DAY_CODES[day.weekday()])
    return tuple(code for code in DAY_CODES if code in named)


def filters_for_turn(intent: str | None, entities: list[dict],
                     previous: SearchFilters) -> SearchFilters:
    """A need starts a fresh search; a follow-up adds to (or replaces) the current filters."""
    category = category_for_intent(intent)
    if category and previous.category is None:  # need chosen after narrowing words
        base = replace(previous, category=category)
    elif category:
        base = SearchFilters(category=category)
    else:
        base = previous
    places = entity_values(entities, "place")
    languages = [v for v in entity_values(entities, "spoken_language") if v != "en"]
    access = entity_values(entities, "access")
    now_asked = any(v.casefold() in TRUE_VALUES for v in entity_values(entities, "open_now"))
    # "tomorrow" beside a new need is mostly when the resident needs it ("a GP appointment
    # tomorrow, can someone come with me?"), not a wish to see only what opens then
    days = open_days_named([e for e in entities if not (
        category and e.get("entity") == "open_day" and e.get("value") == TOMORROW)])
    return replace(
        base,
        place=places[-1] if places else base.place,
        spoken_language=languages[-1] if languages else base.spoken_language,
        access=tuple(dict.fromkeys([*base.access, *access])),
        # "open now" and a day are two times to be open at: one named now replaces the other
        # ("which are open now?", then "and on Saturday?"); days named now replace the days
        # asked about before ("Saturday?", then "Sunday?")
        open_now=now_asked or (base.open_now and not days),
        open_days=days or (() if now_asked else base.open_days),
    )


def _filters_slots(filters: SearchFilters) -> dict:
    return {"category": filters.category, "place": filters.place,
            "spoken_language": filters.spoken_language, "access": list(filters.access),
            "open_now": filters.open_now, "open_days": list(filters.open_days)}


def which_need_message(lang: str) -> dict:
    buttons = [{"title": category_label(code, lang), "payload": f"/{NEED_PREFIX}{code}"}
               for code in CATEGORY_BUTTONS]
    return text_message(render("ask.which_need", lang), buttons)


CALLBACK_PAYLOAD = '/human_handoff{"request_kind": "callback"}'
INTERPRETER_PAYLOAD = '/need_interpreting{"request_kind": "interpreter"}'


def callback_button(lang: str) -> dict:
    """Offers a callback from a person (issue 5): when the assistant cannot help, after a
    safeguarding concern, and when a resident asks for a person."""
    return {"title": render("help.offer_callback", lang), "payload": CALLBACK_PAYLOAD}


def interpreter_button(lang: str) -> dict:
    return {"title": render("help.offer_interpreter", lang), "payload": INTERPRETER_PAYLOAD}


def narrowing_message(lang: str, category: str | None = None) -> dict:
    buttons = [
        {"title": render("narrow.button_open_now", lang),
         "payload": '/refine_search{"open_now": "true"}'},
        {"title": render("narrow.button_wheelchair", lang),
         "payload": '/refine_search{"access": "wheelchair"}'},
        {"title": render("narrow.button_near_town", lang),
         "payload": '/refine_search{"place": "HA1"}'},
    ]
    if category == "interpreting":
        buttons.append(interpreter_button(lang))
    elif category == "safeguarding":
        buttons.append(callback_button(lang))
    return text_message(render("narrow.prompt", lang), buttons)


def directory_error_message(lang: str) -> dict:
    return text_message(f"{render('error.directory', lang)} {contact_route(lang)}")


def _run_search(sessions: SessionFactory, filters: SearchFilters):
    with sessions() as session:
        return find_services(session, filters.query())


def search_turn(intent: str | None, entities: list[dict], previous: SearchFilters,
                lang: str, sessions: SessionFactory,
                translator: MachineTranslator | None = None,
                confidence: float | None = None, text: str = "") -> Turn:
    """Services for the resident's need, narrowed by whatever they have told us so far
    (``confidence``: the classifier's for ``intent``, None when it was not classified;
    ``text``: the message)."""
    if narrows_the_list(intent, confidence, entities, previous, text):
        intent = "refine_search"
    filters = filters_for_turn(intent, entities, previous)
    if filters.category is None:
        return Turn([which_need_message(lang)], _filters_slots(filters))
    if intent == INTERPRETING_NEED and lang != "en" and filters.spoken_language is None \
            and not filters.access:
        # "I need an interpreter" / "mama nie mówi po angielsku" written in Polish: those who
        # speak Polish (every interpreter had been listed, a BSL service first); a language
        # or BSL named wins, and with none speaking it the whole list follows as usual
        filters = replace(filters, spoken_language=lang)
    notes: list[dict] = []
    try:
        try:
            result = _run_search(sessions, filters)
        except UnknownPlace:
            notes.append(text_message(render("place.unknown", lang, place=filters.place)))
            filters = replace(filters, place=previous.place if previous.category else None)
            result = _run_search(sessions, filters)
        shown_filters = filters
        # nothing with everything asked for: what was listed before this follow-up (only the
        # newest wish dropped), else the need near the same place
        for wider in (previous if previous.category == filters.category else None,
                      SearchFilters(category=filters.category, place=filters.place)):
            if result.services or not filters.narrowed or wider is None \
                    or wider == shown_filters:
                continue
            shown_filters, result = wider, _run_search(sessions, wider)
    except UnknownFilter:  # e.g. a hand-typed button payload with a made-up access code
        return Turn([which_need_message(lang)], _filters_slots(previous))
    except Exception:  # the resident still gets the council route, never a stack trace
        logger.exception("directory search failed")
        return Turn([directory_error_message(lang)], _filters_slots(previous))
    services = translate_services(result.services, lang, translator)
    return _search_reply(intent, filters, shown_filters, replace(result, services=services),
                         lang, notes)


def list_again_turn(listed_ids: list[str], filters: SearchFilters, lang: str,
                    sessions: SessionFactory,
                    translator: MachineTranslator | None = None) -> Turn:
    """The services listed, shown again in ``lang`` after the resident chose it mid-search
    ("can we speak Polish?" after an English list): the same search, nothing added; nothing
    when nothing is listed."""
    if not listed_ids or filters.category is None:
        return Turn([])
    return search_turn("refine_search", [], filters, lang, sessions, translator)


def _search_reply(intent, filters, shown_filters, result, lang, notes) -> Turn:
    messages = list(notes)
    wished = filters.phrase(lang)
    not_found = render("none.found", lang, filters=wished,
                       category=category_label(filters.category, lang, wished))
    if not result.services:
        messages.append(text_message(f"{not_found} {contact_route(lang)}",
                                     [callback_button(lang)]))
    else:
        if shown_filters != filters:  # a person may still know of something: offer one
            messages.append(text_message(not_found, [callback_button(lang)]))
        messages.append(services_message(result.services, result.total, filters.category,
                                         shown_filters.phrase(lang), lang))
        if category_for_intent(intent):
            messages.append(narrowing_message(lang, filters.category))
    # the search the resident now sees goes on: a wish nothing met is not kept, or the next
    # follow-up ("open now") would be looked for with it again and find nothing either
    slots = _filters_slots(shown_filters if result.services else filters)
    slots["listed_services"] = [s["id"] for s in result.services]
    slots["focused_service"] = None
    return Turn(messages, slots)


# --- questions about services already listed -------------------------------------------------

ASPECT_BY_INTENT = {"ask_phone": "phone", "ask_opening_hours": "hours", "ask_address": "address"}
ACCESS_ASKED = "access:"  # slot asked_aspect after "does the first one have wheelchair access?"
ABOUT = "about"  # "tell me about the first one": its phone, hours and address
_STOPWORDS = {"the", "and", "for", "harrow", "service", "services", "support", "centre", "of",
              "with", "council", "help", "group", "team", "what", "their", "there", "where"}


def _word_stem(word: str) -> str:
    """"Carers'" and "carers", "assessments" and "assessment", "elders'" and "elders" alike."""
    word = word.strip("'’")
    word = word[:-2] if word.endswith(("'s", "’s")) else word
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") \
        else word


def _name_words(name: str) -> set[str]:
    words = (_word_stem(w) for w in re.findall(r"[a-z0-9'’]+", name.casefold()))
    return {w for w in words if len(w) > 2 and w not in _STOPWORDS}


def _ordinals(services: list[dict], entities: list[dict]) -> list[tuple[int, int | None]]:
    """(number said, its position in ``services`` or None when the list is shorter) for each
    ordinal the resident gave ("the second one" 2, "the last one" -1)."""
    found = []
    for value in entity_values(entities, "ordinal"):
        try:
            index = int(value)
        except ValueError:  # a hand-typed payload such as {"ordinal": "abc"}
            continue
        position = index - 1 if index > 0 else len(services) + index
        found.append((index, position if 0 <= position < len(services) else None))
    return found


def _worded(entity: dict, text: str) -> bool:
    """An ordinal said in words ("the sixth one", "nr 6"), not a bare digit, which may be a
    time or a count ("abre às 5?", "otwarte 7 dni w tygodniu?")."""
    start, end = entity.get("start"), entity.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        return True
    return not text[start:end].strip().isdigit()


def ordinal_beyond_the_list(services: list[dict], entities: list[dict],
                            text: str = "") -> int | None:
    """The number the resident asked for in words ("the sixth one") when the list is shorter
    and no other number they gave is in it: they are told so, not given another service."""
    ordinals = _ordinals(services, entities)
    if any(position is not None for _, position in ordinals):
        return None
    worded = _ordinals(services, [e for e in entities if _worded(e, text)])
    return next((index for index, _ in worded if index > 0), None)


def _said_words(text: str, entities: list[dict]) -> set[str]:
    """The words of ``text`` a service's name may share, plus the English name of any
    language it names: "grupului somalez" is the Somali group's."""
    said = _name_words(text)
    for code in entity_values(entities, "spoken_language"):
        if code != "en":
            said |= _name_words(render(f"language.{code}", "en"))
    return said


def _unique_best(names: list[str], said: set[str]) -> int | None:
    """The index of the one name sharing most words with ``said`` (None: none, or a tie)."""
    scored = sorted(((len(_name_words(name) & said), i) for i, name in enumerate(names)),
                    reverse=True)
    if scored and scored[0][0] > 0 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1]
    return None


@dataclass(frozen=True)
class Pick:
    services: list[dict]
    # "number", "name", "place" (those at the place named), "language" (those speaking the
    # language named), "focused" (the one last asked about) or "all"
    how: str


def pick(services: list[dict], entities: list[dict], text: str,
         focused: str | None = None) -> Pick:
    """The listed service(s) the resident means: by ordinal, by name, by a language they
    speak, else the one they last asked about ("where is it?" after "phone number of the
    second one"), else all of them."""
    for _, position in _ordinals(services, entities):
        if position is not None:
            return Pick([services[position]], "number")
    best = _unique_best([s["name"] for s in services], _said_words(text, entities))
    if best is not None:
        return Pick([services[best]], "name")
    places = [p.casefold() for p in entity_values(entities, "place")]
    there = [s for s in services if any(p in full_address(s).casefold() for p in places)]
    if there:  # "the one in Wealdstone"
        return Pick(there, "place")
    named = [c for c in entity_values(entities, "spoken_language") if c != "en"]
    speaking = [s for s in services if set(named) & set(s.get("languages") or ())]
    if speaking:  # "phone number of the one that speaks Tamil"
        return Pick(speaking, "language")
    last = [s for s in services if s["id"] == focused]
    return Pick(last, "focused") if last else Pick(services, "all")


def pick_services(services: list[dict], entities: list[dict], text: str,
                  focused: str | None = None) -> list[dict]:
    return pick(services, entities, text, focused).services


# Words of a question that are not a service's name, however many names have them.
_QUESTION_WORDS = {"phone", "number", "address", "open", "opening", "hours", "times", "time",
                   "when", "close", "closed", "closing", "call", "email", "website", "they",
                   "them", "one", "ones", "this", "that", "today", "tomorrow", "now", "please",
                   "contact", "details", "what's", "whats", "how", "which", "can", "does",
                   "you", "give", "tell", "about", "get", "where's", "located", "info"}
# A word in more service names than this does not pick one out ("community", "advocacy").
DISTINCTIVE_IN_AT_MOST = 2


def named_elsewhere(sessions: SessionFactory, text: str, entities: list[dict],
                    listed: list[dict]) -> dict | None:
    """An active service not in ``listed`` that the resident names ("phone number of the
    Somali group" after the list was narrowed to the Polish club), if exactly one is named
    by words that pick it out and no listed service's name has (a listed one sharing them is
    meant, even if the words do not pick it out among the listed); it is answered about
    instead of a listed one. ``entities``: the languages they name count as name words
    ("grupului somalez"); pass none to leave them out."""
    said = _said_words(text, entities) - _QUESTION_WORDS
    if not said or any(_name_words(s["name"]) & said for s in listed):
        return None
    with sessions() as session:
        named = active_service_names(session)
        counts: dict[str, int] = {}
        for _, name in named:
            for word in _name_words(name):
                counts[word] = counts.get(word, 0) + 1
        said = {w for w in said if 0 < counts.get(w, 0) <= DISTINCTIVE_IN_AT_MOST}
        listed_ids = {s["id"] for s in listed}
        others = [(i, name) for i, name in named if i not in listed_ids]
        best = _unique_best([name for _, name in others], said) if said else None
        return get_service(session, others[best][0]) if best is not None else None


def access_text(service: dict, codes: list[str], lang: str) -> str:
    """Whether ``service`` has the access features asked about ("does the first one have
    wheelchair access?"): those the directory records, and for the rest, that it does not
    say (with the phone number to check before going)."""
    name, has = service["name"], set(service.get("accessibility") or [])
    labels = {code: render(f"access.{code}", lang) for code in codes}
    present = [labels[code] for code in codes if ACCESS_LABELS.get(code) in has]
    missing = [labels[code] for code in codes if ACCESS_LABELS.get(code) not in has]
    parts = [render("detail.access_yes", lang, name=name, features=", ".join(present))] \
        if present else []
    if missing:
        parts.append(render("detail.access_unknown", lang, name=name,
                            features=", ".join(missing)))
        parts.append(detail_text(service, "phone", lang))
    return " ".join(parts)


def detail_text(service: dict, aspect: str, lang: str) -> str:
    if aspect == ABOUT:
        return " ".join(detail_text(service, one, lang) for one in ("phone", "hours", "address"))
    name = service["name"]
    if aspect == "phone":
        parts = [render("detail.phone", lang, name=name, phone=service["phone"])
                 if service.get("phone") else render("detail.phone_missing", lang, name=name)]
        if service.get("email"):
            parts.append(render("detail.email", lang, email=service["email"]))
        if service.get("url"):
            parts.append(render("detail.url", lang, url=service["url"]))
        return " ".join(parts)
    if aspect == "hours":
        if not service.get("opening_hours"):
            return render("detail.hours_missing", lang, name=name)
        status = {True: render("service.open_now", lang),
                  False: render("service.closed_now", lang)}.get(service.get("open_now"))
        text = render("detail.hours", lang, name=name, hours=service["opening_hours"])
        return f"{text} ({status})" if status else text
    where = full_address(service)
    if not where:
        return render("detail.address_missing", lang, name=name)
    return f"{render('detail.address', lang, name=name, address=where)} " \
           f"{render('detail.map', lang, url=map_url(service))}"


def opening_days(sessions: SessionFactory, services: list[dict],
                 days: tuple[str, ...]) -> dict[str, dict[str, bool]]:
    """Service id -> whether it opens on each day asked about, read once for all of them;
    empty if the directory cannot be read."""
    try:
        with sessions() as session:
            return opens_on_days(session, [s["id"] for s in services], days)
    except Exception:
        logger.exception("directory lookup failed")
        return {}


def day_text(service: dict, opens: dict[str, bool], days: tuple[str, ...], lang: str) -> str:
    """Whether ``service`` opens on the days asked about ("is the second one open on
    Saturday?"; ``opens`` from ``opening_days``): its hours alone left the resident to work
    it out, in English day names when they could not be translated. Empty if unknown."""
    join = render("filter.day_or", lang).join
    parts = []
    for key, wanted in (("detail.opens_on", True), ("detail.not_open_on", False)):
        named = [render(f"weekday.{code}", lang) for code in days if opens.get(code) is wanted]
        if named:
            parts.append(render(key, lang, name=service["name"], days=join(named)))
    return " ".join(parts)


def detail_with_alert(service: dict, aspect: str, lang: str, also: str = "") -> str:
    """``detail_text`` (and ``also``, more about the same), then the service's alert ("not
    running yet") before anyone sets off."""
    text = " ".join(filter(None, (detail_text(service, aspect, lang), also)))
    if service.get("note"):
        text += " " + render("service.note", lang, value=service["note"])
    return text


def detail_turn(intent: str | None, entities: list[dict], text: str, listed_ids: list[str],
                lang: str, sessions: SessionFactory, focused: str | None = None,
                category: str | None = None, search: SearchFilters | None = None,
                translator: MachineTranslator | None = None,
                asked: str | None = None, ranking: list[dict] | None = None) -> Turn:
    """Phone, opening times or address of the listed service(s) the resident asks about
    (``category``: the need they were listed for, which the contract carries). "Is anything
    open on Saturday?" about the whole list (``search``: the search that listed it) is
    answered as narrowing it: the services open then, not every service's hours. A bare
    number ("trzecia?") asks what the last question asked (``asked``: phone, hours or
    address), whatever the classifier made of one word. With nothing listed, a need the
    classifier also saw in the message (``ranking``: "સમુદાય જૂથ શનિવારે", community groups
    on Saturday, read as an opening-hours question) is searched for instead."""
    services: list[dict] | None = []
    if listed_ids:
        try:
            with sessions() as session:
                services = [s for s in (get_service(session, i) for i in listed_ids) if s]
        except Exception:
            logger.exception("directory lookup failed")
            services = None
    # "what's the council's phone number?": the council's route, unless a listed service's
    # name was said ("the council's carers assessment team")
    if mentions_council(text) and not entity_values(entities, "ordinal") \
            and _unique_best([s["name"] for s in services or []], _name_words(text)) is None:
        council = _council_reply(lang)
        if council is not None:
            return council
    if not listed_ids:
        need = need_in_ranking(ranking or [])
        if need is not None:
            return search_turn(need, entities, search or SearchFilters(), lang, sessions,
                               translator)
        return Turn([text_message(render("detail.none_listed", lang))])
    aspect = ASPECT_BY_INTENT.get(intent or "", "phone")
    asked_words = asked_aspects(text)
    if asked_words == [ABOUT]:
        aspect = ABOUT
    # "does the first one have wheelchair access?" asks about its premises, not its address
    # (bot.nlu.components.OneServiceQuestion reads it as an address question)
    access_asked = [code for code in dict.fromkeys(entity_values(entities, "access"))
                    if code in ACCESS_LABELS] \
        if aspect == "address" and "address" not in asked_words else []
    ordinals = [e for e in entities if e.get("entity") == "ordinal"]
    said = [e for e in entities if e.get("entity") not in LANGUAGE_ENTITIES]
    if ordinals and only_fillers_beside(text, said):  # a bare "and the second?"
        if asked in (*ASPECT_BY_INTENT.values(), ABOUT):
            aspect = asked
        elif (asked or "").startswith(ACCESS_ASKED):
            access_asked = [code for code in asked[len(ACCESS_ASKED):].split(",")
                            if code in ACCESS_LABELS]
    if services is None:
        return Turn([directory_error_message(lang)])
    beyond = ordinal_beyond_the_list(services, entities, text) if services else None
    if beyond is not None:
        return Turn([text_message(render("detail.no_such_number", lang, count=len(services),
                                         number=beyond))], {"asked_aspect": aspect})
    picked = pick(services, entities, text, focused)
    if picked.how in ("focused", "all", "language"):
        words, named = text, entities
        if picked.how == "language":
            # with listed services speaking the language named, only other words of a name
            # ("the Tamil Elders") point elsewhere
            words = without_spans(text, [e for e in entities
                                         if e.get("entity") == "spoken_language"])
            named = []
        try:
            elsewhere = named_elsewhere(sessions, words, named, services)
        except Exception:
            logger.exception("directory lookup failed")
            elsewhere = None
        if elsewhere is not None:
            picked = Pick([elsewhere], "name")
            category = next(iter(elsewhere.get("categories") or []), None)
    if picked.how == "all" and search is not None and search.category \
            and any(entity_values(entities, name) for name in WHEN_ENTITIES):
        return search_turn("refine_search", entities, search, lang, sessions, translator)
    chosen = picked.services
    if not chosen:
        return Turn([text_message(render("detail.none_listed", lang))])
    if access_asked:
        lines = [access_text(service, access_asked, lang) for service in chosen]
        aspect = "access"
    else:
        days = open_days_named(entities) if aspect == "hours" else ()
        opens = opening_days(sessions, chosen, days) if days else {}
        lines = [detail_with_alert(service, aspect, lang,
                                   day_text(service, opens.get(service["id"], {}), days, lang))
                 for service in chosen]
    if any(s.get("sample_data") for s in chosen):
        lines.append(render("service.sample", lang))
    message = {"text": "\n".join(lines),
               "custom": services_custom(chosen, category, lang, aspect=aspect)}
    # a bare "and the second?" then asks it again
    asked_now = ACCESS_ASKED + ",".join(access_asked) if access_asked else aspect
    return Turn([message], {"focused_service": chosen[0]["id"] if len(chosen) == 1 else None,
                            "asked_aspect": asked_now})


def _council_reply(lang: str) -> Turn | None:
    """The council's own route (domain response utter_human_contact) in ``lang``."""
    from bot.nlg import domain_responses, render_response

    reply = render_response(domain_responses(), "utter_human_contact", {"language": lang})
    return Turn([text_message(reply["text"])]) if reply else None


AFTER_CRISIS_MIN_CONFIDENCE = 0.3


NEED_IN_RANKING_MIN_CONFIDENCE = 0.2


def need_in_ranking(intent_ranking: list[dict],
                    min_confidence: float = NEED_IN_RANKING_MIN_CONFIDENCE) -> str | None:
    """The most likely need in the classifier's ranking, if it reached ``min_confidence``."""
    for ranked in intent_ranking:
        if category_for_intent(ranked.get("name")):
            return ranked["name"] if ranked.get("confidence", 0) >= min_confidence else None
    return None


def need_behind_crisis(intent_ranking: list[dict]) -> str | None:
    """The need a crisis message also expressed ("I'm in danger, I need a carer"), if any."""
    others = [r for r in intent_ranking if r.get("name") not in ("crisis", "nlu_fallback")]
    if others and category_for_intent(others[0].get("name")) \
            and others[0].get("confidence", 0) >= AFTER_CRISIS_MIN_CONFIDENCE:
        return others[0]["name"]
    return None


def filters_from_slots(slots: dict) -> SearchFilters:
    """The search the conversation is in, from the tracker's slot values."""
    return SearchFilters(category=slots.get("category"), place=slots.get("place"),
                         spoken_language=slots.get("spoken_language"),
                         access=tuple(slots.get("access") or ()),
                         open_now=bool(slots.get("open_now")),
                         open_days=tuple(slots.get("open_days") or ()))


def translated_turn(turn: Turn, lang: str, translator: MachineTranslator | None) -> Turn:
    """For a language we only machine translate (no catalog), each message's text machine
    translated and marked (bot.nlg.machine_translated_reply); in full-support languages each
    plain message tagged with its language."""
    from bot.i18n.languages import full_support_languages
    from bot.nlg import machine_translated_reply

    if lang in full_support_languages() or translator is None:
        return Turn([tagged_with_language(m, lang) for m in turn.messages], turn.slots)
    return Turn([machine_translated_reply(m, lang, translator) if m.get("text") else m
                 for m in turn.messages], turn.slots)

