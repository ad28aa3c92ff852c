"""Trained models: one per fingerprint of the training inputs, trained only when missing.

``python -m bot.model ensure`` trains ``models/harrow-<fingerprint>.tar.gz`` unless it exists;
``python -m bot.model path`` prints the model matching the current data (exit 1 if none).
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bot.i18n.languages import trained_languages
from bot.paths import REPO_ROOT

MODELS_DIR = REPO_ROOT / "models"
# NLU data of the languages marked `trained: true` in data/languages.yml, plus dialogue data.
TRAINING_DATA = (*(f"data/nlu/{code}.yml" for code in trained_languages()),
                 "data/rules.yml", "data/stories.yml")
# The trainable component's code is an input too (Rasa's own cache does not see code changes,
# so training also runs with --force).
TRAINING_INPUTS = ("config.yml", "domain.yml", *TRAINING_DATA, "bot/nlu/intent_classifier.py",
                   "bot/nlu/linear.py", "bot/nlu/tokenizer.py", "bot/i18n/spelling.py",
                   "bot/nlu/featurizer.py", "bot/i18n/detect.py", "bot/i18n/langid.py",
                   "bot/nlu/concepts.py", "data/concepts")
KEEP_MODELS = 3


def _input_files() -> list[Path]:
    files: list[Path] = []
    for name in TRAINING_INPUTS:
        path = REPO_ROOT / name
        files.extend(sorted(path.rglob("*.yml")) if path.is_dir() else [path])
    return files


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in _input_files():
        digest.update(str(path.relative_to(REPO_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def model_path() -> Path:
    return MODELS_DIR / f"harrow-{fingerprint()}.tar.gz"


def train(path: Path) -> None:
    """Train into a private folder, then move the model into place in one step, so an
    interrupted or concurrent training never leaves a half-written model under its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".training-") as scratch:
        name = path.name.removesuffix(".tar.gz")
        command = [*train_command(scratch), "--fixed-model-name", name]
        subprocess.run(command, cwd=REPO_ROOT, check=True)
        os.replace(Path(scratch) / path.name, path)


def train_command(out: str | Path) -> list[str]:
    """``rasa train`` for our config, domain and data, into ``out``. Without Rasa's validation
    step, which reads all the training data once more before training (about a minute of the
    five here): `make validate` and the test suite (tests/test_rasa_project.py) run the same
    validation, failing on warnings too."""
    return [sys.executable, "-m", "rasa", "train", "--config", "config.yml",
            "--domain", "domain.yml", "--data", *TRAINING_DATA, "--out", str(out), "--force",
            "--skip-validation"]


def prune(keep: Path) -> None:
    """Keep the newest few models so the folder does not grow without end."""
    models = sorted(MODELS_DIR.glob("harrow-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    for old in [m for m in models if m != keep][:-(KEEP_MODELS - 1) or None]:
        old.unlink()


def ensure() -> Path:
    """The Rasa model for the current data (trained if missing), and the language
    identifier built from the same NLU files (bot.i18n.langid)."""
    from bot.i18n.langid import identifier

    path = model_path()
    if not path.exists():
        train(path)
        prune(path)
    identifier()
    return path


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "ensure"
    if command == "ensure":
        print(ensure())
        return 0
    if command == "path":
        path = model_path()
        if not path.exists():
            print(f"error: no model for the current data ({path.name}): run `make model`",
                  file=sys.stderr)
            return 1
        print(path)
        return 0
    print("usage: python -m bot.model [ensure|path]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
