"""Where the project's files live, so nothing depends on the current directory."""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
VAR_DIR = REPO_ROOT / "var"
