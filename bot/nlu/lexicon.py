"""Deterministic entity finding: places, postcodes, languages spoken, access needs, open now,
open on a day of the week.

The words come from ``data/lexicon/<lang>.yml`` (every language file is used) and the place
names from the directory's offline place table (plus each language file's ``place`` aliases,
e.g. هارو for Harrow), so a new language or area is a data change.
Values are canonical codes (``ta``, ``wheelchair``, ``HA1 2AB``), which is what the directory
search takes; a day is its schedule code (``SA``), the weekend ``SA,SU``.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from bot.i18n.spelling import fold_arabic_letters
from bot.paths import DATA_DIR, REPO_ROOT, read_yaml

LEXICON_DIR = DATA_DIR / "lexicon"
PLACES_CSV = REPO_ROOT / "bot" / "directory" / "data" / "harrow_places.csv"

# The UK's postcode areas, and the letters an inward code can end with (never C I K M O V):
# without them, Arabizi words such as "mu23ad" or "yo23od" looked like postcodes.
POSTCODE_AREAS = re.findall(r"[A-Z]+", """
    AB AL BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY
    EC EH EN EX FK FY GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY LA LD LE LL
    LN LS LU ME MK ML NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM SA SE SG SK SL SM SN
    SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB WA WC WD WF WN WR WS WV YO ZE B E G L M N S W
""")
INWARD_LETTER = "[ABD-HJLNP-UW-Z]"
FULL_POSTCODE = (rf"(?:{'|'.join(sorted(POSTCODE_AREAS, key=len, reverse=True))})"
                 rf"[0-9][A-Z0-9]?\s*[0-9]{INWARD_LETTER}{{2}}")
PARTIAL_POSTCODE = r"(?:HA|NW|UB|WD)[0-9]{1,2}(?:\s*[0-9](?![A-Z0-9]))?"
POSTCODE_RE = re.compile(rf"(?<![A-Z0-9])(?:{FULL_POSTCODE}|{PARTIAL_POSTCODE})(?![A-Z0-9])", re.IGNORECASE)


@dataclass(frozen=True)
class FoundEntity:
    entity: str
    value: str
    start: int
    end: int
    text: str

    def as_rasa(self) -> dict:
        return {"entity": self.entity, "value": self.value, "start": self.start,
                "end": self.end, "text": self.text}


def _phrase_pattern(phrases: list[str]) -> re.Pattern:
    """One pattern for all ``phrases``, longest first, their Arabic letters folded
    (bot.i18n.spelling): it is matched against ``_matchable(text)``, so "لغة الاشارة" in a
    lexicon finds "لغه الإشاره" too."""
    ordered = sorted({fold_arabic_letters(p.strip()) for p in phrases if str(p).strip()},
                     key=len, reverse=True)
    alternatives = "|".join(
        r"[\s-]+".join(re.escape(word) for word in re.split(r"[\s-]+", p)) for p in ordered)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


@cache
def _lexicon_files(directory: Path = LEXICON_DIR) -> tuple[dict, ...]:
    """Every language file's contents, in file name order (read once for both tables)."""
    return tuple(read_yaml(path) or {} for path in sorted(directory.glob("*.yml")))


@cache
def _lexicon_tables(directory: Path = LEXICON_DIR) -> dict[str, list[tuple[str, re.Pattern]]]:
    """entity name -> [(canonical value, pattern)] merged over every language file."""
    merged: dict[str, dict[str, list[str]]] = {}
    for raw in _lexicon_files(directory):
        # value -> words ("asks": what a question asks of a service, not an entity)
        for entity in ("spoken_language", "access", "ordinal", "open_day", "asks", "negation",
                       "copula"):
            for value, phrases in (raw.get(entity) or {}).items():
                merged.setdefault(entity, {}).setdefault(str(value), []).extend(map(str, phrases))
        # plain lists of words ("council": the council itself, not an entity)
        for entity in ("open_now", "council", "learning"):
            merged.setdefault(entity, {}).setdefault("true", []).extend(
                map(str, raw.get(entity) or []))
    return {entity: [(value, _phrase_pattern(phrases))
                     for value, phrases in values.items() if any(p.strip() for p in phrases)]
            for entity, values in merged.items()}


def _matchable(text: str | None) -> str:
    """What the lexicon patterns are matched against: ``text`` with its Arabic letters folded,
    the same length, so a match's offsets are the resident's text's offsets."""
    return fold_arabic_letters(text or "")


def _folded(text: str) -> str:
    """Case and accents folded, spaces squeezed: "Română" and "romana" are the same word."""
    import unicodedata
    decomposed = unicodedata.normalize("NFKD", fold_arabic_letters(text).casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@cache
def own_name_forms(code: str, directory: Path = LEXICON_DIR) -> frozenset[str]:
    """How speakers of ``code`` name their own language ("polski", "po polsku", "română",
    "عربي"), folded (see ``_folded``): that language's file's words for it, without the
    English names residents of every language type ("polish", "romanian"), unless that is
    the language's own name ("english")."""
    from bot.i18n.languages import configured_languages

    files = {raw.get("language"): raw for raw in _lexicon_files(directory)}
    own = {_folded(str(p)) for p in ((files.get(code) or {}).get("spoken_language") or {})
           .get(code) or []}
    english = {_folded(str(p)) for p in ((files.get("en") or {}).get("spoken_language") or {})
               .get(code) or []}
    known = configured_languages().get(code)
    native = {_folded(known.native)} if known else set()
    return frozenset((own - (english - native)) | native)


def names_its_own_language(found: str, code: str) -> bool:
    """Whether ``found`` (the words a language was named by) is that language's own name."""
    return _folded(found) in own_name_forms(code)


def place_key(name: str) -> str:
    """'Harrow-on-the-Hill', 'harrow on  the hill' -> 'harrow on the hill'."""
    return re.sub(r"[\s-]+", " ", fold_arabic_letters(name).casefold()).strip()


@lru_cache(maxsize=1)
def place_names(path: Path = PLACES_CSV) -> dict[str, str]:
    """Area name key (see place_key) -> the name as written in the place table."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {place_key(row["name"]): row["name"].strip()
                for row in csv.DictReader(handle) if row.get("kind", "").strip() == "area"}


@lru_cache(maxsize=1)
def _place_pattern() -> re.Pattern | None:
    names = list(place_names())
    return _phrase_pattern(names) if names else None


# "Harrow Council", "Harrow Carers": the borough's name, not where the resident is.
_NOT_A_PLACE = re.compile(r"[\s-]+(council|carers|borough|services?)\b", re.IGNORECASE)


@cache
def _place_aliases(directory: Path = LEXICON_DIR) -> tuple[dict[str, str], re.Pattern | None]:
    """alias key -> canonical area name, and one pattern matching every alias."""
    aliases: dict[str, str] = {}
    for raw in _lexicon_files(directory):
        for name, written in (raw.get("place") or {}).items():
            for alias in written or []:
                if str(alias).strip():
                    aliases.setdefault(place_key(str(alias)), str(name))
    return aliases, (_phrase_pattern(list(aliases)) if aliases else None)


def normalise_postcode(text: str) -> str:
    compact = re.sub(r"\s+", "", text).upper()
    if re.fullmatch(FULL_POSTCODE.replace(r"\s*", ""), compact):
        return f"{compact[:-3]} {compact[-3:]}"
    sector = re.fullmatch(r"([A-Z]{1,2}[0-9]{1,2})([0-9])", compact)
    if sector and len(re.sub(r"\s+", " ", text.strip()).split(" ")) == 2:
        return f"{sector.group(1)} {sector.group(2)}"
    return compact


# What narrows a list of services, and of those what says when it should be open.
WHEN_ENTITIES = ("open_now", "open_day")
NARROWING_ENTITIES = ("place", "spoken_language", "access", *WHEN_ENTITIES)

MAX_ENTITIES = 40
# A bare digit is an ordinal ("phone for 2") only in a short message, not in "open 9 to 5".
BARE_ORDINAL = re.compile(r"(?<![\w.:/-])([1-5])(?![\w.:/-])")
BARE_ORDINAL_MAX_WORDS = 5
# ... and not a time: after "at", "às", "o", "la", "الساعة"... ("are they open at 5?", "abre
# às 5?") or before "pm", "o'clock", "baje", "மணி", "વાગ્યે"... ("5 بجے کھلتا ہے؟").
TIME_BEFORE = {"at", "by", "till", "until", "before", "after", "from", "às", "as", "até",
               "ate", "antes", "depois", "das", "la", "pana", "până", "dupa", "după", "ora",
               "o", "godz", "godz.", "godzinie", "hora", "horas",
               "przed", "po", "od", "saacadda", "saac", "الساعة", "الساعه", "ساعة", "بعد",
               "قبل", "حتى", "lagbhag", "around"}
TIME_AFTER = {"pm", "am", "p.m", "a.m", "o'clock", "oclock", "h", "hrs", "uhr", "godz",
              "godzina", "godzinie", "baje", "bajay", "bje", "بجے", "بجے؟", "வரை", "மணி",
              "மணிக்கு", "વાગ્યે", "વાગે", "saacadood", "ساعات", "horas", "hora", "ora", "ore"}


# ... nor a house number: "we live at number 3 Station Road" is not the third service. A
# street's name follows it: a word naming a street ("strada Mare", "ulica Polna"), or a
# capitalised name and a word naming a street ("Station Road"; not "the first one close").
STREET_BEFORE_NAME = {"strada", "str", "ulica", "ul", "rua", "avenida", "waddada", "wadada",
                      "شارع"}
STREET_AFTER_NAME = {"road", "rd", "street", "st", "avenue", "ave", "close", "lane", "way",
                     "drive", "gardens", "crescent", "court", "grove", "parade", "terrace"}


def _is_house_number(text: str, end: int) -> bool:
    words = [word.strip("?.,!") for word in text[end:].split()[:2]]
    if words and words[0].casefold().rstrip(".") in STREET_BEFORE_NAME:
        return True
    return len(words) == 2 and words[0][:1].isupper() \
        and words[1].casefold() in STREET_AFTER_NAME


def _is_time(text: str, start: int, end: int) -> bool:
    before = text[:start].split()
    after = text[end:].split()
    return bool(before and before[-1].casefold().strip("?.,!¿") in TIME_BEFORE) or bool(
        after and after[0].casefold().strip("?.,!؟") in TIME_AFTER)


class _Claims:
    """Non-overlapping spans, first come first served; earlier kinds of entity win."""

    def __init__(self) -> None:
        self.found: list[FoundEntity] = []
        self.taken: set[int] = set()

    def offer(self, candidate: FoundEntity) -> None:
        span = range(candidate.start, candidate.end)
        if len(self.found) < MAX_ENTITIES and not any(i in self.taken for i in span):
            self.found.append(candidate)
            self.taken.update(span)


def _places(text: str, matchable: str, claims: _Claims) -> None:
    for match in POSTCODE_RE.finditer(text):
        claims.offer(FoundEntity("place", normalise_postcode(match.group(0)),
                                 match.start(), match.end(), match.group(0)))
    # Area names from the place table, and the same areas as residents write them in other
    # languages and scripts (data/lexicon/<lang>.yml `place`), longest first: "نارتھ ہیرو" is
    # North Harrow, not Harrow, and "centrul Harrow" the town centre, not the borough.
    candidates = []
    pattern = _place_pattern()
    for match in pattern.finditer(matchable) if pattern is not None else ():
        candidates.append((match, place_names().get(place_key(match.group(0)), match.group(0))))
    aliases, alias_pattern = _place_aliases()
    for match in alias_pattern.finditer(matchable) if alias_pattern is not None else ():
        name = aliases[place_key(match.group(0))]
        candidates.append((match, place_names().get(place_key(name), name)))
    for match, name in sorted(candidates, key=lambda c: (c[0].start() - c[0].end(),
                                                         c[0].start())):
        if not _NOT_A_PLACE.match(text, match.end()):
            claims.offer(FoundEntity("place", name, match.start(), match.end(),
                                     text[match.start():match.end()]))


def find_entities(text: str) -> list[FoundEntity]:
    """Every place, postcode, language, access need, ordinal, open-now and day mention in
    ``text``."""
    claims = _Claims()
    matchable = _matchable(text)
    _places(text, matchable, claims)
    tables = _lexicon_tables()
    # days before ordinals: "da segunda-feira" is Monday, not "da segunda" (the second)
    for entity in ("access", "spoken_language", "open_now", "open_day", "ordinal"):
        for value, pattern in tables.get(entity, []):
            for match in pattern.finditer(matchable):
                if entity == "ordinal" and _is_house_number(text, match.end()):
                    continue
                claims.offer(FoundEntity(entity, value, match.start(), match.end(),
                                         text[match.start():match.end()]))
    if len(text.split()) <= BARE_ORDINAL_MAX_WORDS:
        for match in BARE_ORDINAL.finditer(text):
            if _is_time(text, match.start(), match.end()) \
                    or _is_house_number(text, match.end()):
                continue
            claims.offer(FoundEntity("ordinal", match.group(1), match.start(), match.end(),
                                     match.group(0)))
    return sorted(claims.found, key=lambda f: f.start)


# Words that may stand beside a bare place, language, day or number in a follow-up ("and on
# Saturday?", "și sâmbăta?", "ہفتے کو؟", "Axadda miyaa?"): they add nothing to it.
FILLER_WORDS = frozenset({
    "and", "or", "on", "in", "at", "the", "what", "about", "how", "then", "also", "only",
    "any", "anything", "și", "si", "şi", "dar", "în", "pe", "la", "i", "a", "w", "we", "ze",
    "na", "e", "em", "no", "ao", "aos", "à", "as", "é", "و", "في", "يوم", "ايام", "أيام",
    "اور", "کو", "کے", "دن", "ko", "ke", "ki", "din", "aur", "bhi", "iyo", "oo", "miyaa",
    "maxaa", "maalinta", "ee", "ku", "மற்றும்", "அன்று", "அன்னைக்கு", "அப்போ", "અને", "ના",
    "રોજ", "ને", "one", "kan", "tan", "kii", "tii", "والا", "والی", "والے", "wala", "wali", "wale"
})
_PUNCTUATION = "?.,!¿¡؟،;:\"'()[]…-–—"


def _span(entity: dict) -> tuple[int, int] | None:
    start, end = entity.get("start"), entity.get("end")
    return (start, end) if isinstance(start, int) and isinstance(end, int) else None


def without_spans(text: str, entities: list[dict]) -> str:
    """``text`` with the entities' spans blanked out (an entity without one is skipped)."""
    kept = list(text)
    for span in filter(None, map(_span, entities)):
        start, end = span
        kept[start:end] = " " * max(0, min(end, len(kept)) - start)
    return "".join(kept)


def only_fillers_beside(text: str, entities: list[dict]) -> bool:
    """Whether every word of ``text`` outside the entities' spans is a filler word: the
    message says nothing but the entities ("and on Saturday?", "trzecia?")."""
    if not all(map(_span, entities)):
        return False
    words = (word.strip(_PUNCTUATION).casefold() for word in without_spans(text, entities).split())
    return all(word in FILLER_WORDS for word in words if word)


def mentions_council(text: str) -> bool:
    """Whether ``text`` names the council itself ("the council's phone number", "numărul
    primăriei", "رقم البلدية")."""
    matchable = _matchable(text)
    return any(pattern.search(matchable) for _, pattern in _lexicon_tables().get("council", []))


def mentions_learning(text: str) -> bool:
    """Whether ``text`` speaks of practising or learning ("practise", "poćwiczyć", "اتمرن",
    "seekhna"; data/lexicon `learning`)."""
    matchable = _matchable(text)
    return any(pattern.search(matchable) for _, pattern in _lexicon_tables().get("learning", []))


def asked_aspects(text: str) -> list[str]:
    """What ``text`` asks of a service, among "phone", "address" and "about" (all of it:
    "tell me about the first one"; data/lexicon `asks`)."""
    matchable = _matchable(text)
    return [aspect for aspect, pattern in _lexicon_tables().get("asks", [])
            if pattern.search(matchable)]


# A negation word counts for the nearest language named in its clause, with at most this many
# words between them: after it in languages that put "not" first ("doesn't speak English",
# "ما بعرف اقرا انكليزي", "nie mówi po angielsku"), before it in those that put it last
# ("angrezi nahi aati", "ஆங்கிலம் பேசத் தெரியாது", "Ingiriis ma taqaan").
NEGATION_WORDS_BETWEEN = {"before_the_name": 2, "after_the_name": 1}
_CLAUSE_END = re.compile(r"[,.;!?\n،؛؟]")


def _words_between(text: str, start: int, end: int) -> int | None:
    """How many words lie between ``start`` and ``end`` (None if a clause ends there)."""
    between = text[start:end]
    return None if _CLAUSE_END.search(between) else len(between.split())


def languages_not_asked_for(text: str, entities: list[dict]) -> set[int]:
    """Indexes into ``entities`` of the languages ``text`` names without asking for them:
    negated ("my mum doesn't speak English", "moja mama nie mówi po angielsku", "meri ammi
    ko angrezi nahi aati" name English as what she does not speak; data/lexicon `negation`;
    "write in Polish, not English" negates English only), or a person's nationality ("my mum
    is Romanian", "he's Polish"; data/lexicon `copula`, straight before the name, with a
    word before it: "is Polish ok?" still asks), or one's own skill in it ("my Portuguese
    is not very good, English please")."""
    named = [(i, span) for i, e in enumerate(entities)
             if e.get("entity") == "spoken_language" and (span := _span(e))]
    negated: set[int] = set()
    matchable = _matchable(text)
    for side, pattern in _lexicon_tables().get("negation", []):
        limit = NEGATION_WORDS_BETWEEN.get(side, 0)
        for match in pattern.finditer(matchable):
            gaps = []
            for i, (start, end) in named:
                if side == "before_the_name" and match.end() <= start:
                    gap = _words_between(text, match.end(), start)
                elif side == "after_the_name" and match.start() >= end:
                    gap = _words_between(text, end, match.start())
                else:
                    continue
                if gap is not None and gap <= limit:
                    gaps.append((gap, i))
            if gaps:
                negated.add(min(gaps)[1])
    for where, pattern in _lexicon_tables().get("copula", []):
        for match in pattern.finditer(matchable):
            if where == "after_a_word" and not text[:match.start()].strip():
                continue  # "is Polish ok?": a question, which may ask
            # "before_a_skill": "my Polish is bad, English please" (one's own Polish)
            negated.update(i for i, (start, _) in named
                           if start >= match.end() and _words_between(text, match.end(), start) == 0)
    return negated
