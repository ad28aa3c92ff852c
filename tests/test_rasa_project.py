"""The Rasa project itself: data validation, test stories, and NLU quality on held-out data.

These run Rasa's own commands against the model `make test` trained for the current data.
"""
import json
import subprocess
import sys

import pytest

from bot.i18n.languages import trained_languages
from bot.model import TRAINING_DATA
from bot.paths import REPO_ROOT

pytestmark = pytest.mark.model
MACRO_F1_TARGET = {"en": 0.95}  # trained languages; others 0.92 (issue 3)


def rasa(*args, cwd=REPO_ROOT):
    return subprocess.run([sys.executable, "-m", "rasa", *args], check=False, cwd=cwd,
                          text=True, capture_output=True, timeout=900)


@pytest.fixture
def model(trained_model):
    return trained_model


def test_training_data_validates_without_warnings():
    result = rasa("data", "validate", "--fail-on-warnings", "--config", "config.yml",
                  "--domain", "domain.yml", "--data", *TRAINING_DATA)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_test_stories_pass(model, tmp_path):
    result = rasa("test", "core", "--model", str(model), "--stories", "tests/test_stories.yml",
                  "--e2e", "--fail-on-prediction-errors", "--out", str(tmp_path))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.parametrize("lang", trained_languages())
def test_heldout_intent_macro_f1(model, tmp_path, lang):
    result = rasa("test", "nlu", "--model", str(model), "--nlu", f"tests/nlu/{lang}_heldout.yml",
                  "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "intent_report.json").read_text())
    macro_f1 = report["macro avg"]["f1-score"]
    errors = json.loads((tmp_path / "intent_errors.json").read_text())
    assert macro_f1 >= MACRO_F1_TARGET.get(lang, 0.92), (macro_f1, errors[:20])
    assert report["crisis"]["recall"] == 1.0, [e for e in errors if e["intent"] == "crisis"]
