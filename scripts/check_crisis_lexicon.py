"""Crisis lexicon against the labelled NLU data: recall on `crisis`, false alarms elsewhere.

Usage: python scripts/check_crisis_lexicon.py [NLU_FILE ...]  (default: data/nlu/*.yml and
tests/nlu/*_heldout.yml). Exit 1 if a crisis example is missed or another intent matches.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlu.examples import labelled_examples
from bot.safety.crisis import detect_crisis


def main(paths: list[Path]) -> int:
    missed, false_alarms, crisis_total, other_total = [], [], 0, 0
    for path in paths:
        for text, intent in labelled_examples(path):
            hit = detect_crisis(text) is not None
            if intent == "crisis":
                crisis_total += 1
                if not hit:
                    missed.append((path.name, text))
            else:
                other_total += 1
                if hit:
                    false_alarms.append((path.name, intent, text))
    print(f"crisis recall {crisis_total - len(missed)}/{crisis_total}; "
          f"false alarms {len(false_alarms)}/{other_total}")
    for item in missed:
        print("  missed:", *item)
    for item in false_alarms:
        print("  false alarm:", *item)
    return 1 if missed or false_alarms else 0


if __name__ == "__main__":
    given = [Path(p) for p in sys.argv[1:]]
    default = sorted((ROOT / "data" / "nlu").glob("*.yml")) + sorted(
        (ROOT / "tests" / "nlu").glob("*_heldout.yml"))
    sys.exit(main(given or default))
