"""The Rasa project itself: data validation, test stories, and NLU quality on held-out data.

These run Rasa's own commands against the model `make test` trained for the current data.
"""
import subprocess
import sys

import pytest
import yaml

from bot.i18n.languages import trained_languages
from bot.model import TRAINING_DATA
from bot.paths import REPO_ROOT

pytestmark = pytest.mark.model


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
    result = subprocess.run(
        [sys.executable, "scripts/test_stories.py", "--model", str(model), "--stories",
         "tests/test_stories.yml", "--e2e", "--fail-on-prediction-errors", "--out",
         str(tmp_path)], check=False, cwd=REPO_ROOT, text=True, capture_output=True,
        timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.fixture(scope="module")
def heldout_reports(trained_model):
    """Every held-out message of every language through the model and the reply rules once
    (bot.evaluation; `make eval` prints the same numbers)."""
    from bot.evaluation import evaluate

    return evaluate(trained_model)


QUALITY_FLOOR = yaml.safe_load((REPO_ROOT / "tests" / "nlu" / "quality_floor.yml").read_text(
    encoding="utf-8"))["languages"]


def _below_the_issue_target(request, lang, measure):
    """A language recorded as below issue 3's target for ``measure`` is an expected failure
    (strict: the test fails as soon as the target is met, so the record must be updated)."""
    if QUALITY_FLOOR.get(lang, {}).get(f"{measure}_below_target"):
        request.node.add_marker(pytest.mark.xfail(
            strict=True, reason=f"{lang}: {measure} below issue 3's target (README: Measured)"))


@pytest.mark.parametrize("lang", trained_languages())
def test_heldout_intent_accuracy_meets_the_target(heldout_reports, lang, request):
    _below_the_issue_target(request, lang, "intent_accuracy")
    report = heldout_reports[lang]
    assert report.accuracy >= report.summary()["target_accuracy"], report.summary()


@pytest.mark.parametrize("lang", trained_languages())
def test_heldout_quality_never_falls_below_the_recorded_floor(heldout_reports, lang):
    """Whatever the targets, a change must not make any language worse than measured."""
    floor, report = QUALITY_FLOOR[lang], heldout_reports[lang]
    assert report.accuracy >= floor["intent_accuracy"], report.summary()
    assert report.reply_language_rate >= floor["reply_language_rate"], report.summary()


@pytest.mark.parametrize("lang", trained_languages())
def test_heldout_crisis_messages_all_get_the_crisis_reply(heldout_reports, lang):
    report = heldout_reports[lang]
    assert report.crisis_total >= 10 and report.crisis_recall == 1.0, report.summary()


@pytest.mark.parametrize("lang", trained_languages())
def test_replies_come_in_the_language_of_the_message(heldout_reports, lang, request):
    """>= 98% of held-out messages, each the first of a conversation, are answered in their
    language (checked with the detector). Crisis replies stay in reviewed English until a
    fluent reviewer marks that language's crisis text reviewed; they are counted apart."""
    _below_the_issue_target(request, lang, "reply_language_rate")
    summary = heldout_reports[lang].summary()
    assert summary["reply_language_rate"] >= summary["target_reply_language_rate"], summary


def test_make_eval_does_not_print_the_messages_it_evaluates():
    """Rasa's structlog, unconfigured, prints every parse (held-out messages among them) at
    debug level; the evaluation script keeps it to warnings."""
    probe = ("import runpy, structlog\n"
             "evaluate = runpy.run_path('scripts/evaluate_nlu.py')\n"
             "evaluate['quiet_rasa_debug_log']()\n"
             "structlog.get_logger().debug('processor.message.parse', text='HELD OUT TEXT')\n"
             "structlog.get_logger().warning('still shown')\n")
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "HELD OUT TEXT" not in result.stdout + result.stderr
    assert "still shown" in result.stdout + result.stderr
