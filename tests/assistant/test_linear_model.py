"""The linear text classifier (bot/nlu/linear.py) used for intents and languages."""
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression

from bot.nlu.linear import LinearTextModel


@pytest.fixture(scope="module")
def data():
    counts = sp.random(300, 2000, density=0.02, format="csr", random_state=1)
    counts.data = np.ceil(counts.data * 3)
    labels = [f"intent_{i % 5}" for i in range(300)]
    return counts, labels


def test_probabilities_equal_scikit_learns_own(data):
    counts, labels = data
    model = LinearTextModel.fit(counts, labels, c=10)
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
    reference = LogisticRegression(C=10, solver="saga", max_iter=200, random_state=2026).fit(
        tfidf.transform(counts), labels)
    ours = model.probabilities(counts[:40])
    assert np.allclose(ours, reference.predict_proba(tfidf.transform(counts[:40])), atol=1e-5)
    assert model.classes == tuple(reference.classes_)


def test_a_message_with_no_known_features_is_equally_likely_any_class(data):
    """No evidence, no favourite: the intercepts alone once answered a request in Hindi (no
    feature the model knew) with "goodbye" above the fallback threshold."""
    counts, labels = data
    for solver, scale in (("saga", 1.0), ("linear_svc", 6.0)):
        model = LinearTextModel.fit(counts, labels, c=10, solver=solver, scale=scale)
        assert np.ptp(model.intercept) > 0  # the intercepts alone would pick a class
        rows = model.probabilities(sp.vstack([sp.csr_matrix((1, 2000)), counts[:1]]).tocsr())
        assert rows.shape == (2, 5) and np.allclose(rows.sum(axis=1), 1.0)
        assert np.allclose(rows[0], 1 / 5)
        assert rows[1].max() > 1 / 5 + 0.05  # a message with features still has a favourite


def test_a_message_with_only_features_most_messages_have_is_equally_likely_any_class(data):
    """The padding space of character n-grams is in every message: a message in a script the
    model never saw has that feature alone, which tells nothing about its intent."""
    counts, labels = data
    everywhere = sp.csr_matrix(np.ones((counts.shape[0], 1)))
    model = LinearTextModel.fit(sp.hstack([everywhere, counts]).tocsr(), labels, c=10,
                                solver="linear_svc", scale=6.0)
    only_common = sp.csr_matrix(([2.0], ([0], [0])), shape=(1, 2001))
    assert np.allclose(model.probabilities(only_common), 1 / 5)
    with_a_rare_one = sp.hstack([sp.csr_matrix([[1.0]]), counts[:1]]).tocsr()
    assert model.probabilities(with_a_rare_one).max() > 1 / 5 + 0.05


def test_save_and_load_round_trip_without_pickle(data, tmp_path):
    model = LinearTextModel.fit(*data, c=10)
    model.save(tmp_path, "m")
    loaded = LinearTextModel.load(tmp_path, "m")
    assert loaded.classes == model.classes
    assert np.allclose(loaded.probabilities(data[0][:5]), model.probabilities(data[0][:5]))


def test_inconsistent_arrays_are_refused(data, tmp_path):
    model = LinearTextModel.fit(*data, c=10)
    model.save(tmp_path, "m")
    (tmp_path / "m.json").write_text('{"classes": ["only_one"]}')
    with pytest.raises(ValueError, match="inconsistent"):
        LinearTextModel.load(tmp_path, "m")


def test_ranking_is_sorted_and_limited(data):
    model = LinearTextModel.fit(*data, c=10)
    ranking = model.ranking(data[0][:1], top=3)[0]
    assert len(ranking) == 3
    assert [p for _, p in ranking] == sorted((p for _, p in ranking), reverse=True)


def test_the_svm_solver_ranks_as_scikit_learns_svm_and_scales_its_scores(data):
    """solver "linear_svc" (the intent classifier's, config.yml): the same decision scores as
    scikit-learn's LinearSVC, multiplied by ``scale`` before the softmax."""
    from sklearn.svm import LinearSVC

    counts, labels = data
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
    reference = LinearSVC(C=2, random_state=2026).fit(tfidf.transform(counts), labels)
    scores = reference.decision_function(tfidf.transform(counts[:40])) * 6
    expected = np.exp(scores - scores.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    model = LinearTextModel.fit(counts, labels, c=2, solver="linear_svc", scale=6)
    assert model.classes == tuple(reference.classes_)
    assert np.allclose(model.probabilities(counts[:40]), expected, atol=1e-4)
    flat = LinearTextModel.fit(counts, labels, c=2, solver="linear_svc", scale=1)
    assert flat.probabilities(counts[:40]).max() < model.probabilities(counts[:40]).max()


def test_an_unknown_solver_is_a_clear_error(data):
    with pytest.raises(ValueError, match="unknown solver 'adam'"):
        LinearTextModel.fit(*data, c=2, solver="adam")


def _message_with_features(rng, featurizers: int, tokens: int):
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message

    message = Message(data={"text": "x " * tokens})
    for index in range(featurizers):
        width = int(rng.integers(5, 300))
        for kind, rows in (("sequence", tokens), ("sentence", 1)):
            counts = sp.random(rows, width, density=0.1, format="coo",
                               random_state=int(rng.integers(1 << 30)))
            counts.data = np.ceil(counts.data * 4)
            message.features.append(Features(counts, kind, "text", f"counts_{index}"))
    # features the classifier must not read: dense, and of another attribute
    message.features.append(Features(np.ones((1, 7)), "sentence", "text", "dense"))
    message.features.append(Features(sp.coo_matrix(np.ones((1, 3))), "sentence", "intent",
                                      "other"))
    return message


def test_the_classifier_reads_the_sentence_counts_rasa_combines():
    """bot.nlu.intent_classifier._features equals Rasa's get_sparse_features(TEXT)[1], as a
    CSR matrix, for one to four featurizers."""
    from bot.nlu.intent_classifier import _features

    rng = np.random.default_rng(7)
    for featurizers in (1, 2, 3, 4):
        for tokens in (1, 5):
            message = _message_with_features(rng, featurizers, tokens)
            ours = _features(message)
            rasas = sp.csr_matrix(message.get_sparse_features("text")[1].features)
            assert ours.shape == rasas.shape and ours.dtype == rasas.dtype
            assert (ours != rasas).nnz == 0


def test_no_sentence_counts_means_no_features():
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.intent_classifier import _features

    assert _features(Message(data={"text": "hello"})) is None
