"""Which of our languages a Latin-script message is in, learnt from our own training data.

General detectors (lingua) know Urdu, Tamil, Gujarati and Arabic only in their own scripts, but
residents often type them in Latin letters ("mujhe madad chahiye", "enakku help venum",
"mane madad joie", "3ayez mosa3ada"), mixed with English words. The NLU training files
(data/nlu/<lang>.yml) are full of such messages, labelled by file, so a character n-gram
classifier trained on them tells these apart — offline, in milliseconds.

The identifier is trained on first use and kept in ``models/langid-<fingerprint>.npz`` (rebuilt
when any NLU file changes); ``python -m bot.model ensure`` builds it with the Rasa model.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import numpy as np

from bot.i18n.detect import ARABIC_SCRIPT, LETTER
from bot.i18n.languages import trained_languages
from bot.nlu.examples import labelled_examples
from bot.nlu.linear import LinearTextModel
from bot.paths import DATA_DIR, REPO_ROOT

logger = logging.getLogger(__name__)

NLU_DIR = DATA_DIR / "nlu"
MODELS_DIR = REPO_ROOT / "models"
NGRAMS = (1, 4)
# A linear SVM, its scores x 3 before the softmax, instead of logistic regression (C = 10):
# chosen by 3-fold cross-validation of the first-message rule on the training data only
# (README: Measured). At the same thresholds, English replies in English as often (0.960 ->
# 0.962) and every other language more often (+0.4 to +1.1 points: Gujarati 0.920 -> 0.931,
# Urdu 0.955 -> 0.964); scale 4 or 6 gained more elsewhere but cost English 1-3 points.
MODEL_SETTINGS = {"c": 1.0, "solver": "linear_svc", "scale": 3.0}
# A language's marker words: words in at least MARKER_MIN_LINES of its training lines and in
# none of the lines of the language their script would otherwise mean (MARKER_REFERENCE:
# English for Latin letters, Arabic for Arabic script). A first message our identifier leans
# towards a language lingua cannot know in Latin letters (romanised Urdu, Gujarati, Tamil,
# Arabizi) is answered in it when it has one ("neend", "tarjuman"), and an Arabic-script
# message with no letter only Urdu or only Arabic writes is Urdu when it has an Urdu one
# ("فون نمبر", "آداب"): bot.i18n.detect.
MARKER_MIN_LINES = 3
MARKER_REFERENCE = {"latin": "en", "arabic": "ar"}
WORD = re.compile(r"[^\W_]+")


def training_examples(lang: str, path: Path | None = None) -> list[str]:
    """The plain text of every example in ``data/nlu/<lang>.yml``."""
    return [text for text, _ in labelled_examples(path or NLU_DIR / f"{lang}.yml")]


def _normalise(text: str) -> str:
    """Lower case, digits kept only where they stand for letters in Arabizi (2 3 5 7 9)."""
    text = re.sub(r"\d{2,}|[01468]", " ", text.casefold())
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> set[str]:
    """The words of ``text`` with a letter in them, lower case (digits kept: Arabizi "3ayez")."""
    return {w for w in WORD.findall(text.casefold()) if LETTER.search(w)}


def _script(word: str) -> str:
    return "arabic" if ARABIC_SCRIPT.search(word) else "latin"


def marker_words(examples: dict[str, list[str]]) -> dict[str, frozenset[str]]:
    """Language -> its marker words (see MARKER_MIN_LINES)."""
    from collections import Counter
    lines = {lang: Counter(w for text in texts for w in words(text))
             for lang, texts in examples.items()}
    found: dict[str, frozenset[str]] = {}
    for lang, counts in lines.items():
        found[lang] = frozenset(
            w for w, n in counts.items() if n >= MARKER_MIN_LINES
            and (reference := MARKER_REFERENCE.get(_script(w))) != lang
            and w not in lines.get(reference, {}))
    return found


@dataclass(frozen=True)
class LanguageIdentifier:
    vocabulary: dict[str, int]
    model: LinearTextModel
    markers: dict[str, frozenset[str]] = field(default_factory=dict)

    def marker_languages(self, text: str) -> set[str]:
        """The languages one of whose marker words ``text`` has."""
        found = words(text)
        return {lang for lang, markers in self.markers.items() if not found.isdisjoint(markers)}

    @cached_property
    def _vectorizer(self):
        """The fitted n-gram vectorizer (building one checks the whole vocabulary: milliseconds
        per message if done every time)."""
        from sklearn.feature_extraction.text import CountVectorizer
        vectorizer = CountVectorizer(analyzer="char_wb", ngram_range=NGRAMS,
                                     vocabulary=self.vocabulary, lowercase=False)
        vectorizer.fit([])  # validates the vocabulary once
        return vectorizer

    def _counts(self, texts: list[str]):
        return self._vectorizer.transform([_normalise(t) for t in texts])

    def probabilities(self, text: str) -> dict[str, float]:
        """Language code -> probability, for the trained languages."""
        row = self.model.probabilities(self._counts([text]))[0]
        return {code: float(p) for code, p in zip(self.model.classes, row)}

    @classmethod
    def train(cls, examples: dict[str, list[str]]) -> LanguageIdentifier:
        from sklearn.feature_extraction.text import CountVectorizer
        texts = [t for lang in examples for t in examples[lang]]
        labels = [lang for lang in examples for _ in examples[lang]]
        vectorizer = CountVectorizer(analyzer="char_wb", ngram_range=NGRAMS, lowercase=False,
                                     min_df=2)
        counts = vectorizer.fit_transform([_normalise(t) for t in texts])
        model = LinearTextModel.fit(counts, labels, **MODEL_SETTINGS)
        vocabulary = {term: int(index) for term, index in vectorizer.vocabulary_.items()}
        return cls(vocabulary, model, marker_words(examples))

    def save(self, path: Path) -> None:
        """Write atomically: a concurrent reader sees the old file or the new, never half."""
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=".langid-", suffix=".npz")
        os.close(handle)
        try:
            np.savez_compressed(scratch, coef=self.model.coef, intercept=self.model.intercept,
                                idf=self.model.idf, classes=np.array(self.model.classes),
                                vocabulary=np.array(json.dumps(self.vocabulary,
                                                               ensure_ascii=False)),
                                markers=np.array(json.dumps(
                                    {lang: sorted(found) for lang, found in self.markers.items()},
                                    ensure_ascii=False)))
            os.replace(scratch, path)
        finally:
            Path(scratch).unlink(missing_ok=True)

    @classmethod
    def load(cls, path: Path) -> LanguageIdentifier:
        with np.load(path, allow_pickle=False) as arrays:
            model = LinearTextModel(tuple(str(c) for c in arrays["classes"]), arrays["coef"],
                                    arrays["intercept"], arrays["idf"])
            vocabulary = json.loads(str(arrays["vocabulary"]))
            markers = {lang: frozenset(found)
                       for lang, found in json.loads(str(arrays["markers"])).items()}
        return cls(vocabulary, model, markers)


def _sources() -> list[Path]:
    return [NLU_DIR / f"{lang}.yml" for lang in trained_languages()
            if (NLU_DIR / f"{lang}.yml").exists()]


def fingerprint() -> str:
    digest = hashlib.sha256(repr((NGRAMS, sorted(MODEL_SETTINGS.items()), MARKER_MIN_LINES,
                                  sorted(MARKER_REFERENCE.items()))).encode())
    for path in _sources():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def identifier_path() -> Path:
    return MODELS_DIR / f"langid-{fingerprint()}.npz"


@cache
def identifier() -> LanguageIdentifier | None:
    """The identifier for the current training data (trained and saved if missing; loaded once
    per process); None when fewer than two languages are trained (nothing to tell apart)."""
    sources = _sources()
    if len(sources) < 2:
        return None
    path = identifier_path()
    try:
        return LanguageIdentifier.load(path)
    except (OSError, ValueError, KeyError):
        pass
    found = LanguageIdentifier.train({p.stem: training_examples(p.stem) for p in sources})
    try:
        found.save(path)
        for old in MODELS_DIR.glob("langid-*.npz"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as error:
        logger.warning("Could not save the language identifier (%s)", error)
    return found
