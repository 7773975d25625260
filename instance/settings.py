"""The project settings: settings.env at the repository root, overlaid by the environment.

Processes that run the project from its installed copy (DaCHS importing the
RDs' code, the daily ingest) have no settings.env beside them: the bring-up
passes them every setting as an environment variable instead.
"""

import os
import re
import string
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SETTINGS_FILE = REPO / "settings.env"

_LINE = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")


def parse(text):
    """Returns the (name, raw value) pairs of a settings file's text, in order."""
    pairs = []
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            raise ValueError(f"{SETTINGS_FILE.name}:{lineno}: not NAME=value: {line!r}")
        pairs.append(match.groups())
    return pairs


PREFIX = "CDPP_"


def load(path=SETTINGS_FILE, environ=None):
    """Returns a dict of every setting: the file's value unless the environment
    has one of the same name; ${NAME} refers to a setting defined earlier.
    Without the file (an installed copy), the CDPP_* environment variables."""
    environ = os.environ if environ is None else environ
    if not Path(path).exists():
        values = {name: value for name, value in environ.items() if name.startswith(PREFIX)}
        if not values:
            raise FileNotFoundError(f"no {path} and no {PREFIX}* environment variables:"
                " run the project from its repository or pass the settings in the environment")
        return values
    values = {}
    for name, raw in parse(Path(path).read_text(encoding="utf-8")):
        if name in environ:
            values[name] = environ[name]
        else:
            values[name] = string.Template(raw).safe_substitute(values)
    return values

