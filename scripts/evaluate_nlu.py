"""`make eval`: quality per language, written to results/summary.json.

For every language with a held-out split (tests/nlu/<lang>_heldout.yml, kept out of training),
with the current model (bot.evaluation): intent accuracy and macro-F1, the share answered "not
understood", crisis recall, and the share of replies in the message's language (checked with
the detector). Targets (issue 3): intent accuracy >= 0.95 English, >= 0.92 other languages;
replies in the expected language >= 98%; crisis recall 100%.
With --cv, also k-fold cross-validation of the whole NLU pipeline on all training data.
With --write-floor, record the measurement in tests/nlu/quality_floor.yml (what the tests hold
every later change to, and which languages are still below issue 3's targets).
Usage: python scripts/evaluate_nlu.py [--lang ro ...] [--cv] [--folds 3] [--write-floor]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.evaluation import HELDOUT_DIR, evaluate, heldout_languages
from bot.model import TRAINING_DATA, ensure

RESULTS = ROOT / "results"


def cross_validation(folds: int) -> dict:
    out = RESULTS / "cv"
    started = time.monotonic()
    nlu = [path for path in TRAINING_DATA if path.startswith("data/nlu/")]
    merged = RESULTS / "cv-training-data"
    merged.mkdir(parents=True, exist_ok=True)
    for path in nlu:
        (merged / Path(path).name).write_bytes((ROOT / path).read_bytes())
    subprocess.run([sys.executable, "-m", "rasa", "test", "nlu", "--config", "config.yml",
                    "--nlu", str(merged), "--cross-validation", "--folds", str(folds),
                    "--out", str(out)], cwd=ROOT, check=True)
    report = json.loads((out / "intent_report.json").read_text())
    return {"folds": folds, "macro_f1": round(report["macro avg"]["f1-score"], 4),
            "accuracy": round(report.get("accuracy", 0.0), 4),
            "seconds": round(time.monotonic() - started)}


FLOOR_FILE = ROOT / "tests" / "nlu" / "quality_floor.yml"
FLOOR_MARGIN = 0.01  # training is deterministic (fixed seeds); the margin absorbs float noise


def write_floor(results: dict) -> None:
    import math

    lines = ["# Written by `python scripts/evaluate_nlu.py --write-floor` from a measurement of the",
             "# held-out splits (README: Measured). tests/test_rasa_project.py holds every change",
             "# to these floors (measured minus a small margin) and marks the languages still",
             "# below issue 3's targets as expected failures until they meet them.",
             "languages:"]
    for lang, r in results.items():
        floor = {key: math.floor((r[key] - FLOOR_MARGIN) * 1000) / 1000
                 for key in ("intent_accuracy", "reply_language_rate")}
        lines.append(f"  {lang}: {{intent_accuracy: {floor['intent_accuracy']}, "
                     f"reply_language_rate: {floor['reply_language_rate']}, "
                     f"intent_accuracy_below_target: "
                     f"{str(r['intent_accuracy'] < r['target_accuracy']).lower()}, "
                     f"reply_language_rate_below_target: "
                     f"{str(r['reply_language_rate'] < r['target_reply_language_rate']).lower()}}}")
    FLOOR_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"floor written to {FLOOR_FILE}")


def quiet_rasa_debug_log() -> None:
    """Rasa's structlog, left unconfigured, prints every parse at debug level: held-out
    messages on the screen of whoever runs this. Warnings and errors still show."""
    import logging

    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


def main() -> int:
    quiet_rasa_debug_log()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", action="append")
    parser.add_argument("--cv", action="store_true")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--write-floor", action="store_true")
    parser.add_argument("--split-dir", type=Path, default=HELDOUT_DIR,
                        help="score the <lang>_heldout.yml files of this directory instead "
                             "(a development set); the report goes to <dir>/summary.json")
    parser.add_argument("--show-errors", action="store_true",
                        help="print each wrong intent and wrong reply language (only with "
                             "--split-dir: the held-out messages are not for reading)")
    args = parser.parse_args()
    dev = args.split_dir.resolve() != HELDOUT_DIR.resolve()
    if args.show_errors and not dev:
        parser.error("--show-errors needs --split-dir: held-out messages are not shown")
    if dev and args.write_floor:
        parser.error("--write-floor records the held-out splits only")
    model = ensure()
    started = time.monotonic()
    reports = evaluate(model, args.lang or heldout_languages(args.split_dir), args.split_dir)
    results = {lang: report.summary() for lang, report in reports.items()}
    summary: dict = {"model": model.name, "seconds": round(time.monotonic() - started),
                     "languages": results}
    if args.cv:
        summary["cross_validation_all_languages"] = cross_validation(args.folds)
    report_file = args.split_dir / "summary.json" if dev else RESULTS / "summary.json"
    report_file.parent.mkdir(exist_ok=True)
    report_file.write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    if args.show_errors:
        for lang, report in reports.items():
            for text, gold, predicted in report.errors:
                print(f"{lang} intent {gold} -> {predicted}: {text}")
            for text, found in report.wrong_language:
                print(f"{lang} reply language {found}: {text}")
    failed = False
    print(f"{'lang':4} {'accuracy':>8} {'target':>6} {'macro-F1':>8} {'fallback':>8} "
          f"{'crisis':>6} {'reply lang':>10}  ")
    for lang, r in results.items():
        failed |= not r["meets_targets"]
        print(f"{lang:4} {r['intent_accuracy']:8.3f} {r['target_accuracy']:6.2f} "
              f"{r['intent_macro_f1']:8.3f} {r['fallback_rate']:8.3f} {r['crisis_recall']:6.2f} "
              f"{r['reply_language_rate']:10.3f}  "
              f"{'OK' if r['meets_targets'] else 'BELOW TARGET'}"
              + (f" (crisis replies in reviewed English: {r['crisis_replies_in_reviewed_english']})"
                 if r["crisis_replies_in_reviewed_english"] else ""))
    if args.write_floor:
        write_floor(results)
    if "cross_validation_all_languages" in summary:
        print("cross-validation:", summary["cross_validation_all_languages"])
    print(f"report: {report_file}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
