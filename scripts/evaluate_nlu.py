"""`make eval`: NLU quality per language, written to results/.

For each trained language (data/languages.yml) — its held-out file tests/nlu/<lang>_heldout.yml
is kept out of training:
  - held-out evaluation of the current model  -> results/heldout-<lang>/intent_report.json
  - k-fold cross-validation on data/nlu/<lang>.yml -> results/cv-<lang>/intent_report.json
and a summary (macro-F1, accuracy, per-intent F1) in results/summary.json.
Usage: python scripts/evaluate_nlu.py [--folds 3] [--skip-cv] [--lang en]
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

from bot.i18n.languages import trained_languages
from bot.model import ensure

RESULTS = ROOT / "results"
TARGETS = {"en": 0.95}
DEFAULT_TARGET = 0.92


def rasa(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "rasa", *args], cwd=ROOT, check=True)


def read_report(directory: Path) -> dict:
    report = json.loads((directory / "intent_report.json").read_text())
    per_intent = {name: round(values["f1-score"], 3) for name, values in report.items()
                  if isinstance(values, dict) and "f1-score" in values
                  and name not in ("macro avg", "weighted avg", "micro avg")}
    return {"macro_f1": round(report["macro avg"]["f1-score"], 4),
            "accuracy": round(report.get("accuracy", report.get("micro avg", {}).get(
                "f1-score", 0.0)), 4),
            "per_intent_f1": per_intent}


def evaluate(lang: str, folds: int, skip_cv: bool, model: Path) -> dict:
    summary: dict = {"target_macro_f1": TARGETS.get(lang, DEFAULT_TARGET)}
    heldout_dir = RESULTS / f"heldout-{lang}"
    rasa("test", "nlu", "--model", str(model), "--nlu", f"tests/nlu/{lang}_heldout.yml",
         "--out", str(heldout_dir))
    summary["heldout"] = read_report(heldout_dir)
    if not skip_cv:
        cv_dir = RESULTS / f"cv-{lang}"
        started = time.monotonic()
        rasa("test", "nlu", "--config", "config.yml", "--nlu", f"data/nlu/{lang}.yml",
             "--cross-validation", "--folds", str(folds), "--out", str(cv_dir))
        summary["cross_validation"] = {"folds": folds, **read_report(cv_dir),
                                       "seconds": round(time.monotonic() - started)}
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--skip-cv", action="store_true")
    parser.add_argument("--lang", action="append")
    args = parser.parse_args()
    languages = args.lang or trained_languages()
    model = ensure()
    results = {lang: evaluate(lang, args.folds, args.skip_cv, model) for lang in languages}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "summary.json").write_text(json.dumps(results, indent=2))
    failed = False
    for lang, summary in results.items():
        heldout = summary["heldout"]
        ok = heldout["macro_f1"] >= summary["target_macro_f1"]
        failed |= not ok
        cv = summary.get("cross_validation", {}).get("macro_f1", "-")
        print(f"{lang}: held-out macro-F1 {heldout['macro_f1']:.3f} (accuracy "
              f"{heldout['accuracy']:.3f}, target {summary['target_macro_f1']}) "
              f"{'OK' if ok else 'BELOW TARGET'}; cross-validation macro-F1 {cv}")
        weakest = sorted(heldout["per_intent_f1"].items(), key=lambda kv: kv[1])[:3]
        print(f"   weakest held-out intents: {weakest}")
    print(f"report: {RESULTS / 'summary.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
