"""A tf-idf weighted linear text classifier over sparse counts: multinomial logistic
regression, or a linear SVM whose scores go through the same softmax.

Used for intents (over the Rasa featurizers' counts; the SVM, config.yml) and for telling
languages apart (over character n-grams of our own training data; logistic regression). It
trains in seconds on ~20,000 examples where a neural classifier takes many minutes, and its
probabilities are calibrated enough to threshold.

Persisted as plain arrays (``numpy.savez``, no pickle), so loading a model runs no code.
"""
from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class LinearTextModel:
    classes: tuple[str, ...]
    coef: np.ndarray        # (n_classes, n_features), float32
    intercept: np.ndarray   # (n_classes,)
    idf: np.ndarray         # (n_features,)

    @classmethod
    def fit(cls, counts: sp.spmatrix, labels: list[str], c: float = 30.0, max_iter: int = 200,
            seed: int = 2026, solver: str = "saga", scale: float = 1.0) -> LinearTextModel:
        """solver "saga": multinomial logistic regression. solver "linear_svc": a linear SVM
        (one-vs-rest, squared hinge), its scores multiplied by ``scale`` before the softmax
        (6 minimises log-loss in 3-fold cross-validation of the intent data)."""
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.feature_extraction.text import TfidfTransformer
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        tfidf = TfidfTransformer(sublinear_tf=True)
        weighted = tfidf.fit_transform(sp.csr_matrix(counts, dtype=np.float64))
        if solver == "linear_svc":
            classifier = LinearSVC(C=c, random_state=seed)
        elif solver == "saga":
            classifier = LogisticRegression(C=c, solver="saga", max_iter=max_iter,
                                            random_state=seed)
        else:
            raise ValueError(f"unknown solver {solver!r}")
        with warnings.catch_warnings():
            # saga stops at max_iter a little short of full convergence: accuracy is measured.
            warnings.simplefilter("ignore", ConvergenceWarning)
            classifier.fit(weighted, labels)
        coef, intercept = classifier.coef_ * scale, classifier.intercept_ * scale
        if len(classifier.classes_) == 2:  # sklearn keeps one row for two classes
            coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
        return cls(tuple(str(c) for c in classifier.classes_), coef.astype(np.float32),
                   intercept.astype(np.float32), tfidf.idf_.astype(np.float32))

    def weigh(self, counts: sp.spmatrix) -> sp.csr_matrix:
        """Counts -> sublinear tf * idf, each row scaled to unit length (as in training)."""
        weighted = sp.csr_matrix(counts, dtype=np.float32, copy=True)
        weighted.sum_duplicates()
        weighted.data = (1.0 + np.log(np.maximum(weighted.data, 1e-12))) \
            * self.idf[weighted.indices]
        lengths = np.sqrt(np.add.reduceat(weighted.data ** 2, weighted.indptr[:-1])
                          if weighted.nnz else np.zeros(weighted.shape[0]))
        lengths = np.where(np.diff(weighted.indptr) > 0, lengths, 1.0)
        lengths[lengths == 0] = 1.0
        weighted.data /= np.repeat(lengths, np.diff(weighted.indptr)).astype(np.float32)
        return weighted

    def probabilities(self, counts: sp.spmatrix) -> np.ndarray:
        """(n_messages, n_classes) probabilities, rows summing to 1 (uniform for a message
        with no known feature)."""
        # only the columns a message uses: a few hundred of the coefficient matrix's columns
        weighted = self.weigh(counts)
        scores = np.zeros((weighted.shape[0], len(self.classes)), dtype=np.float64)
        for row in range(weighted.shape[0]):
            start, end = weighted.indptr[row], weighted.indptr[row + 1]
            columns = weighted.indices[start:end]
            scores[row] = self.coef[:, columns] @ weighted.data[start:end]
        scores += self.intercept
        # a message with no feature the model knows, or only features that most training
        # messages have (the space a character n-gram featurizer pads every word with), is
        # evidence for no class: every class equally likely, not the intercepts' favourite
        # (which said "goodbye" to a request in Hindi, a script the model never saw)
        scores[~self._has_evidence(weighted)] = 0.0
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    # idf = ln((1 + n) / (1 + df)) + 1: a feature in more than half the training messages
    COMMON_IDF = 1.0 + np.log(2.0)

    def _has_evidence(self, weighted: sp.csr_matrix) -> np.ndarray:
        """Per row: whether it has a feature rarer than half the training messages."""
        telling = (self.idf[weighted.indices] > self.COMMON_IDF).astype(np.int64)
        starts = weighted.indptr[:-1]
        counts = np.add.reduceat(telling, starts) if telling.size else np.zeros(len(starts))
        return np.where(np.diff(weighted.indptr) > 0, counts, 0) > 0

    def ranking(self, counts: sp.spmatrix, top: int = 10) -> list[list[tuple[str, float]]]:
        """Per message, the ``top`` classes with their probabilities, most likely first."""
        result = []
        for row in self.probabilities(counts):
            order = np.argsort(-row)[:top]
            result.append([(self.classes[i], float(row[i])) for i in order])
        return result

    def save(self, directory: Path, name: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(directory / f"{name}.npz", coef=self.coef,
                            intercept=self.intercept, idf=self.idf)
        (directory / f"{name}.json").write_text(json.dumps({"classes": list(self.classes)}),
                                                encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, name: str) -> LinearTextModel:
        with np.load(directory / f"{name}.npz", allow_pickle=False) as arrays:
            coef, intercept, idf = arrays["coef"], arrays["intercept"], arrays["idf"]
        classes = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))["classes"]
        if coef.shape != (len(classes), idf.shape[0]) or intercept.shape != (len(classes),):
            raise ValueError(f"{directory / name}: inconsistent classifier arrays")
        return cls(tuple(classes), coef, intercept, idf)
