"""The shared ISTP CDF files of the DataLink tests, and checks the tests share."""

import subprocess
from pathlib import Path

SHARED_CDF = Path(__file__).resolve().parent / "data"
SHARED_FILES = sorted(SHARED_CDF.glob("*.cdf"))


def shared(name):
    """Return the path of the shared CDF file whose name starts with ``name``."""
    return next(p for p in SHARED_FILES if p.name.startswith(name))


def votlint(path):
    """Return (error lines, whole output) of ``stilts votlint`` on ``path``."""
    result = subprocess.run(["stilts", "votlint", f"votable={path}"], capture_output=True, text=True,
                            timeout=120)
    output = result.stdout + result.stderr
    return [line for line in output.splitlines() if line.startswith("ERROR")], output
