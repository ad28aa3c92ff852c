"""Which language a message is written in, offline, among the configured languages.

Scripts settle most cases at once: Gujarati and Tamil have their own blocks (so do Hindi,
Punjabi and Bengali when configured); Arabic script is Urdu when it uses letters Arabic does
not (ٹ ڈ ڑ ں ے ہ ھ ک ی, or گ چ پ without a letter only Arabic writes), else Arabic.
Latin-script text goes to our own identifier
(bot.i18n.langid, trained on the NLU data, so it knows romanised Urdu, Tamil, Gujarati and
Arabizi, and their marker words, which settle a message it is unsure of), with lingua
(lingua-language-detector) for the languages we answer only by machine translation
(``machine_translated`` in data/languages.yml), which are not in our data.

``language_change`` is DESIGN.md's rule: an explicit choice wins; otherwise a confident
detection of a message of three or more words switches; short messages keep the language.
The first message of a conversation, short or not, sets ``detected_language`` (used until a
language is chosen or switched to: a resident who says only "salut" is answered in Romanian).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache

from bot.i18n.languages import configured_languages, trained_languages

logger = logging.getLogger(__name__)

MIN_WORDS_TO_SWITCH = 3
MIN_CONFIDENCE = 0.6
# The language of a conversation that has none yet: the most likely one at this confidence
# (for one or two words, identifier and lingua averaged). A message of any length sets it;
# only three or more words at MIN_CONFIDENCE switch an established language. Both thresholds
# were chosen on the held-out splits (README: Languages).
MIN_CONFIDENCE_FIRST = 0.5
# Languages we only machine translate are taken from lingua only when it is this sure.
MIN_CONFIDENCE_OTHER = 0.9
SCRIPTS = {"gu": re.compile("[\u0a80-\u0aff]"), "ta": re.compile("[\u0b80-\u0bff]"),
           "hi": re.compile("[\u0900-\u097f]"), "pa": re.compile("[\u0a00-\u0a7f]"),
           "bn": re.compile("[\u0980-\u09ff]"), "zh": re.compile("[\u4e00-\u9fff]")}
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
# Letters only Urdu writes (ٹ ڈ ڑ ں ے ہ ھ ک ی): Arabic keyboards have none of them.
URDU_LETTERS = re.compile("[\u0679\u0688\u0691\u06ba\u06d2\u06c1\u06be\u06a9\u06cc]")
# گ چ پ are Urdu letters too, but Iraqi and Gulf Arabic write them ("احچي ويا موظف", "اگعد"):
# they mean Urdu only in a message without letters only Arabic writes (ة ي ك ى أ إ).
SHARED_PERSIAN_LETTERS = re.compile("[\u06af\u0686\u067e]")
ARABIC_ONLY_LETTERS = re.compile("[\u0629\u064a\u0643\u0649\u0623\u0625]")
LETTER = re.compile(r"[^\W\d_]")
LATIN_LETTER = re.compile(r"[a-zA-Z\u00c0-\u024f]")


def word_count(text: str) -> int:
    """Words with a letter in them: "și la 3?" and "a o 3?" are two words, not three (a
    number says nothing of the language, and had switched a Romanian conversation to
    Arabic and a Polish one to Portuguese)."""
    return sum(1 for token in text.split() if LETTER.search(token))


@dataclass(frozen=True)
class Detection:
    language: str
    confidence: float
    # "script", "identifier", "identifier+lingua" (they disagreed), "marker" (a romanised
    # language's marker word, see _by_marker) or "lingua"
    method: str


MIN_SCRIPT_LETTERS = 3


def _by_script(text: str) -> Detection | None:
    """The language of the non-Latin script most letters are in (an Urdu message naming
    "ગુજરાતી" is still Urdu), once it has a few letters: residents mix English words and place
    names into their own script ("Greenhill பக்கம்"), rarely the other way round."""
    languages = configured_languages()
    counts = {code: len(pattern.findall(text)) for code, pattern in SCRIPTS.items()
              if code in languages}
    counts["arabic"] = len(ARABIC_SCRIPT.findall(text))
    script = max(counts, key=counts.get)
    if counts[script] < min(MIN_SCRIPT_LETTERS, len(LATIN_LETTER.findall(text)) + 1):
        return None
    if script == "arabic":
        return Detection(_arabic_script_language(text), 0.9, "script")
    return Detection(script, 1.0, "script")


def _arabic_script_language(text: str) -> str:
    """Urdu or Arabic, for a message in Arabic script (see URDU_LETTERS). With none of the
    letters that settle it, an Urdu marker word (bot.i18n.langid: in three or more Urdu
    training lines and in no Arabic one, "نمبر", "آداب", "اور") makes it Urdu. 3-fold
    cross-validation on the Arabic-script training lines: Urdu 2267 -> 2274 of 2281 placed
    right, Arabic 4040 of 4041 both ways (no Arabic line changed)."""
    if URDU_LETTERS.search(text):
        return "ur"
    if ARABIC_ONLY_LETTERS.search(text):
        return "ar"
    if SHARED_PERSIAN_LETTERS.search(text) or "ur" in _marker_languages(text):
        return "ur"
    return "ar"


def _identifier():
    """Our language identifier (bot.i18n.langid), None without one."""
    from bot.i18n.langid import identifier
    return identifier()


def _marker_languages(text: str) -> set[str]:
    """The languages one of whose marker words ``text`` has (bot.i18n.langid)."""
    model = _identifier()
    return model.marker_languages(text) if model is not None else set()


@cache
def _lingua_detector():
    """A lingua detector for the configured languages it knows (None if lingua is missing)."""
    try:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
    except ImportError:  # detection then relies on scripts and our own identifier
        logger.warning("lingua-language-detector is not installed")
        return None
    languages = []
    for code in configured_languages():
        try:
            languages.append(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())))
        except (AttributeError, ValueError):
            logger.warning("lingua does not know language %r", code)
    return LanguageDetectorBuilder.from_languages(*languages).build() if len(languages) > 1 \
        else None


def _lingua_confidences(text: str) -> dict[str, float]:
    """Language code -> lingua's confidence, most likely first (empty without lingua)."""
    detector = _lingua_detector()
    values = detector.compute_language_confidence_values(text) if detector else []
    return {v.language.iso_code_639_1.name.lower(): float(v.value) for v in values}


@cache
def latin_script_languages() -> frozenset[str]:
    """Languages normally written in Latin letters (their own name is: "Română", "Soomaali")."""
    return frozenset(code for code, language in configured_languages().items()
                     if LATIN_LETTER.search(language.native))


def _identifier_probabilities(text: str) -> dict[str, float]:
    """Our identifier's probability for each trained language (empty without one)."""
    model = _identifier()
    return model.probabilities(text) if model is not None else {}


def _by_identifier(text: str, general: dict[str, float],
                   probabilities: dict[str, float]) -> Detection | None:
    """Our identifier's best guess. For one or two words, when lingua (``general``) is sure
    of another Latin-script language ("thanks" is English, whatever our identifier makes of
    it), the two confidences are averaged. Lingua knows Urdu, Tamil, Gujarati and Arabic only
    in their own scripts (it says 0 for "shukria ji"), and not slang ("elo", "naura"), so
    otherwise it has no say."""
    if not probabilities:
        return None
    best = max(probabilities, key=probabilities.get)
    rival = next(iter(general), None)
    if word_count(text) < MIN_WORDS_TO_SWITCH and rival and rival != best \
            and rival in latin_script_languages() and general[rival] >= MIN_CONFIDENCE_OTHER \
            and not _sure_it_is_arabizi(text, best, probabilities[best]):
        return Detection(best, (probabilities[best] + general.get(best, 0.0)) / 2,
                         "identifier+lingua")
    return Detection(best, probabilities[best], "identifier")


# ... or when lingua is this sure of the other language and gives ours less than LINGUA_DOUBTS
# (Spanish: "necesito un intérprete para mi madre" was answered in Portuguese, lingua es 0.76
# pt 0.18). On every Latin-script training line of ours (about 16,000), no line of three or
# more words meets both: at 0.6 two Portuguese lines would ("me sinto vazio" Italian 0.61).
LINGUA_SURE = 0.7
LINGUA_DOUBTS = 0.2


def _lingua_knows_better(text: str, ours: Detection, lingua: Detection,
                         general: dict[str, float] | None = None) -> bool:
    """A sentence (three or more words) in a language we only machine translate, which our
    identifier, knowing only ours, is unsure of (below MIN_CONFIDENCE) and lingua places at
    MIN_CONFIDENCE or more. Not for one or two words, and not when our identifier's best
    guess is romanised Urdu, Tamil, Gujarati or Arabizi: lingua knows those only in their own
    scripts (it called "asalamu alaikum" Albanian at 0.83, and "urdu" Turkish). In 3-fold
    cross-validation of the first-message rule on the training data, English 0.9639 ->
    0.9658 and Urdu 0.9607 -> 0.9610 against the unguarded rule, the rest the same. Also
    when lingua is LINGUA_SURE of its language and gives our guess less than LINGUA_DOUBTS:
    lingua knows Portuguese, Romanian, Polish, Somali and English well, so that is Spanish
    or Italian our identifier (which knows neither) took for Portuguese or Romanian."""
    if word_count(text) < MIN_WORDS_TO_SWITCH or ours.language not in latin_script_languages():
        return False
    return ours.confidence < MIN_CONFIDENCE <= lingua.confidence or (
        general is not None and lingua.confidence >= LINGUA_SURE
        and general.get(ours.language, 0.0) < LINGUA_DOUBTS)


# Arabizi: a digit written for a letter inside a word ("byfta7o", "3arabi", "ra2mon").
ARABIZI_WORD = re.compile(r"[a-z][23579]|[23579][a-z]", re.IGNORECASE)
# Our identifier this sure of Arabic in a message with Arabizi words outweighs lingua, which
# knows Arabic only in its own script: it called "aymta byfta7o?" (when do they open) Albanian
# at 0.92. Only with Arabizi words: our identifier, which knows none of the languages we only
# translate, was as sure that a French sentence was romanised Gujarati.
ROMANISED_SURE = 0.9


def _sure_it_is_arabizi(text: str, language: str, confidence: float) -> bool:
    """Our identifier's best guess is Arabic, at ROMANISED_SURE, for a message with Arabizi
    words (see ARABIZI_WORD)."""
    return language == "ar" and confidence >= ROMANISED_SURE and bool(ARABIZI_WORD.search(text))


# Romanised Urdu, Gujarati, Tamil and Arabizi, which lingua knows only in their own scripts: a
# message our identifier is not sure of (below MIN_CONFIDENCE_FIRST) is in one of them when
# it has one of the language's marker words (bot.i18n.langid: "neend", "tarjuman", "venum")
# and the identifier gives that language at least MIN_CONFIDENCE_MARKER ("neend nai aati":
# Tamil 0.37, Urdu 0.30). English replies to such first messages were the commonest miss.
# 3-fold cross-validation of the first-message rule on the training data (identifier and
# markers rebuilt per fold): Urdu 0.9658 -> 0.9771, Gujarati 0.9325 -> 0.9433, Tamil
# 0.9597 -> 0.9641, Arabic 0.9850 -> 0.9880, English 0.9676 -> 0.9671 (one line, "see ya"),
# the rest the same. At 0.2 English lost more (0.9661); for every language, not only these,
# English 0.9647. README: Languages.
MIN_CONFIDENCE_MARKER = 0.25


def _by_marker(text: str, probabilities: dict[str, float]) -> Detection | None:
    """The likeliest romanised language (not written in Latin letters natively) with a marker
    word in ``text`` and at least MIN_CONFIDENCE_MARKER, or None."""
    marked = _marker_languages(text)
    found = [(p, lang) for lang, p in probabilities.items()
             if p >= MIN_CONFIDENCE_MARKER and lang not in latin_script_languages()
             and lang in marked]
    if not found:
        return None
    confidence, language = max(found)
    return Detection(language, confidence, "marker")


def detect_language(text: str) -> Detection | None:
    """The most likely configured language of ``text``, or None when there is nothing to go on."""
    if not text or not text.strip():
        return None
    found = _by_script(text)
    if found or not LETTER.search(text):
        return found
    general = _lingua_confidences(text)  # once per message: it is the slowest step
    probabilities = _identifier_probabilities(text) if LATIN_LETTER.search(text) else {}
    ours = _by_identifier(text, general, probabilities)
    best = next(iter(general), None)
    lingua = Detection(best, general[best], "lingua") if best else None
    # A language we only machine translate (French, Russian...) is not in our data: lingua,
    # when very sure, knows it better than our identifier, which can only pick among ours.
    if lingua and lingua.language not in trained_languages() and (
            ours is None or (lingua.confidence >= MIN_CONFIDENCE_OTHER
                             and not _sure_it_is_arabizi(text, ours.language, ours.confidence))
            or _lingua_knows_better(text, ours, lingua, general)):
        return lingua
    if ours is not None and ours.confidence < MIN_CONFIDENCE_FIRST:
        return _by_marker(text, probabilities) or ours
    return ours or lingua


def written_in_arabic(text: str) -> bool:
    """Whether ``text`` looks like Arabic, in Arabic letters (not Urdu: see
    _arabic_script_language) or in Latin ones (our identifier's likeliest language is Arabic:
    Arabizi). No lingua and no thresholds: the Arabic intent features (bot.nlu.featurizer.
    arabic_words, for ArabicSkeletonFeaturizer and ArabicConceptFeaturizer) ask this of every
    training line and every message, the same way."""
    if ARABIC_SCRIPT.search(text):
        return _arabic_script_language(text) == "ar"
    if not LATIN_LETTER.search(text):
        return False
    probabilities = _identifier_probabilities(text)
    return bool(probabilities) and max(probabilities, key=probabilities.get) == "ar"


def explicit_language(metadata: dict | None) -> str | None:
    """A configured language the client chose explicitly (widget selector, API metadata)."""
    chosen = (metadata or {}).get("language")
    return chosen if isinstance(chosen, str) and chosen in configured_languages() else None


def is_confident(text: str, found: Detection | None) -> bool:
    """A detection clear enough to answer a conversation with no language yet: script, a
    romanised language's marker word (see ``_by_marker``), or the most likely language at
    MIN_CONFIDENCE_FIRST."""
    if found is None:
        return False
    return found.method in ("script", "marker") or found.confidence >= MIN_CONFIDENCE_FIRST


def switches_language(text: str, found: Detection | None) -> bool:
    """A detection changes the conversation's language only for a message of three or more
    words, and only at MIN_CONFIDENCE (stricter than for a first message)."""
    return (found is not None and word_count(text) >= MIN_WORDS_TO_SWITCH
            and (found.method == "script" or found.confidence >= MIN_CONFIDENCE))


def language_change(text: str, metadata: dict | None,
                    found: Detection | None) -> str | None:
    """The language this message switches the conversation to, or None to keep it."""
    explicit = explicit_language(metadata)
    if explicit:
        return explicit
    return found.language if switches_language(text, found) else None


def choose_reply_language(current: str | None, text: str, metadata: dict | None = None,
                          first_message: bool = False) -> str:
    """DESIGN.md's reply-language rule, for one message given the conversation's language
    (``first_message``: nothing established yet, so any confident detection counts)."""
    found = detect_language(text)
    changed = language_change(text, metadata, found)
    if changed:
        return changed
    if (first_message or current is None) and is_confident(text, found):
        return found.language
    return current if current in configured_languages() else "en"
