"""Where the project's files live, so nothing depends on the current directory, and how the
project's YAML files are read."""
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
VAR_DIR = REPO_ROOT / "var"

# libyaml's parser (PyYAML built with it, as the wheels are) with the same safe constructor:
# the same values, about ten times quicker. The lexicons alone took 4.5 s to read with the
# pure-Python parser, at the first message a server answered.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """``yaml.safe_load`` of a UTF-8 file (errors are yaml.YAMLError, as safe_load's)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
