"""The sentence-only count featurizer gives the text exactly the sentence counts Rasa's
CountVectorsFeaturizer gives, and no token-level counts (bot/nlu/featurizer.py)."""
import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.featurizer import SentenceCountVectorsFeaturizer
from bot.nlu.tokenizer import FoldingWhitespaceTokenizer

EXAMPLES = [("I need an interpreter for my mum", "need_interpreting"),
            ("mujhe tarjuman chahiye", "need_interpreting"),
            ("أريد مساعدة في Harrow", "need_care_assessment"),
            ("hello", "greet"), ("merhaba", "greet")]
NEW = ["interpreter please", "مساعدةةة", "", "completely unseen words here"]


def _messages(texts_and_intents):
    tokenizer = FoldingWhitespaceTokenizer(FoldingWhitespaceTokenizer.get_default_config())
    messages = [Message({TEXT: t, INTENT: i} if i else {TEXT: t}) for t, i in texts_and_intents]
    tokenizer.process_training_data(TrainingData(training_examples=messages))
    return messages


def _sentence(message):
    return [f.features for f in message.features
            if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]


@pytest.mark.parametrize("config", [{}, {"analyzer": "char_wb", "min_ngram": 1, "max_ngram": 5},
                                    {"analyzer": "char", "min_ngram": 2, "max_ngram": 5}])
def test_sentence_counts_are_rasas_and_there_are_no_token_counts(tmp_path, config):
    featurizers = []
    for n, cls in enumerate((CountVectorsFeaturizer, SentenceCountVectorsFeaturizer)):
        (tmp_path / str(n)).mkdir()
        storage = LocalModelStorage(tmp_path / str(n))
        featurizer = cls.create({**cls.get_default_config(), **config}, storage,
                                Resource(f"cvf{n}"), ExecutionContext(None))
        training = TrainingData(training_examples=_messages(EXAMPLES))
        featurizer.train(training)
        featurizer.process_training_data(training)
        featurizers.append((featurizer, training.training_examples))
    (rasa, rasa_examples), (ours, our_examples) = featurizers
    for theirs, mine in zip(rasa_examples, our_examples):
        assert len(_sentence(mine)) == 1
        assert np.array_equal(_sentence(theirs)[0].toarray(), _sentence(mine)[0].toarray())
        assert not [f for f in mine.features
                    if f.attribute == TEXT and f.type == FEATURE_TYPE_SEQUENCE]
    # new messages, one at a time (as the server sees them) and all at once
    theirs = rasa.process(_messages([(t, None) for t in NEW]))
    one_by_one = [ours.process([m])[0] for m in _messages([(t, None) for t in NEW])]
    together = ours.process(_messages([(t, None) for t in NEW]))
    for expected, *found in zip(theirs, one_by_one, together):
        for mine in found:
            assert [f.toarray().tolist() for f in _sentence(mine)] == \
                [f.toarray().tolist() for f in _sentence(expected)]


def test_arabic_skeleton_counts_only_arabic_and_survives_a_reload(tmp_path):
    """Arabizi and Arabic letters give the same skeleton n-grams; a message in another
    language gets an empty row of the same width (so the classifier's rows line up), and a
    model loaded from storage counts as the trained one did."""
    from bot.nlu.featurizer import ArabicSkeletonFeaturizer

    storage = LocalModelStorage(tmp_path)
    resource = Resource("skeleton")
    config = ArabicSkeletonFeaturizer.get_default_config()
    featurizer = ArabicSkeletonFeaturizer.create(config, storage, resource,
                                                 ExecutionContext(None, node_name="sk"))
    training = TrainingData(training_examples=_messages(
        [("بدي مترجم عند الدكتور", "need_interpreting"),
         ("I need an interpreter for my mum", "need_interpreting"),
         ("شكرا كتير", "thank")]))
    featurizer.train(training)
    featurizer.process_training_data(training)
    rows = [_sentence(m) for m in training.training_examples]
    assert all(len(r) == 1 for r in rows)
    assert rows[0][0].nnz and not rows[1][0].nnz and rows[0][0].shape == rows[1][0].shape

    loaded = ArabicSkeletonFeaturizer.load(config, storage, resource,
                                           ExecutionContext(None, node_name="sk"))
    texts = ["bdi mtarjem 3and doctor", "بدي مترجم عند دكتور", "I need an interpreter",
             "chcę tłumacza", "میں ترجمان چاہتا ہوں"]
    new = loaded.process(_messages([(t, None) for t in texts]))
    arabizi, arabic, english, polish, urdu = (_sentence(m)[0].toarray() for m in new)
    assert np.array_equal(arabizi, arabic) and arabic.any()
    assert not english.any() and not polish.any() and not urdu.any()
    assert np.array_equal(_sentence(featurizer.process(_messages([(texts[1], None)]))[0])[0]
                          .toarray(), arabic)


def test_both_arabic_featurizers_ask_the_detector_once_per_message(tmp_path, monkeypatch):
    """The skeleton and concept featurizers share one answer per message to "is it Arabic?"
    (bot.nlu.featurizer.arabic_words), and it is not put in the message's output."""
    import bot.nlu.featurizer as featurizer_module
    from bot.nlu.featurizer import ArabicConceptFeaturizer, ArabicSkeletonFeaturizer

    asked = []
    real = featurizer_module.written_in_arabic
    monkeypatch.setattr(featurizer_module, "written_in_arabic",
                        lambda text: asked.append(text) or real(text))
    storage = LocalModelStorage(tmp_path)
    featurizers = [cls.create(cls.get_default_config(), storage, Resource(name),
                              ExecutionContext(None, node_name=name))
                   for cls, name in ((ArabicSkeletonFeaturizer, "sk"),
                                     (ArabicConceptFeaturizer, "co"))]
    training = TrainingData(training_examples=_messages(
        [("بدي مترجم عند الدكتور", "need_interpreting"), ("hello there", "greet")]))
    for featurizer in featurizers:
        featurizer.train(training)
    asked.clear()
    messages = _messages([("bdi mtarjem 3and el doctor", None), ("I need an interpreter", None)])
    for featurizer in featurizers:
        featurizer.process(messages)
    assert sorted(asked) == sorted(["bdi mtarjem 3and el doctor", "I need an interpreter"])
    assert [bool(_sentence(m)[0].nnz) for m in messages] == [True, False]
    assert [bool(_sentence(m)[1].nnz) for m in messages] == [True, False]
    assert all("arabic_words" not in m.as_dict(only_output_properties=True) for m in messages)
