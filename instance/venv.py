"""The project's Python environment: a venv over Debian's Python and packages."""

import hashlib
import shutil
import subprocess
from pathlib import Path

from .errors import BringUpError
from .settings import REPO
from .shell import run, say

PACKAGES = ("spase", "ingest", "datalink", "instance", "registry", "hapi")
STAMP = ".cdpp-source-digest"


def source_digest():
    """Returns a digest of what pip installs: pyproject.toml and the packages' files."""
    digest = hashlib.sha256()
    files = [REPO / "pyproject.toml"]
    for package in PACKAGES:
        files += sorted(p for p in (REPO / package).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def python(venv):
    """Returns the path of the venv's Python interpreter."""
    return Path(venv) / "bin" / "python"


#: Debian's packages that the venv must keep: PyPI dependencies (pandas for
#: hapiclient, say) may not replace them by versions Debian's compiled
#: packages (astropy, scipy, matplotlib) were not built for.
PINNED = ("numpy",)


def system_pins():
    """Returns pip constraints holding PINNED at the versions of Debian's Python."""
    result = subprocess.run(["/usr/bin/python3", "-c", "import importlib.metadata as m; print('\\n'.join("
        f"f'{{n}}=={{m.version(n)}}' for n in {PINNED!r}))"], capture_output=True, text=True, check=True)
    return result.stdout

def ensure(venv):
    """Creates the venv and installs the project in it when its sources
    changed; returns True if it installed anything."""
    venv = Path(venv)
    digest = source_digest()
    stamp = venv / STAMP
    if stamp.exists() and stamp.read_text() == digest and python(venv).exists():
        return False
    if not python(venv).exists():
        say(f"creating the Python environment {venv}")
        shutil.rmtree(venv, ignore_errors=True)
        run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", venv])
    say("installing the project and its PyPI dependencies")
    constraints = venv / "constraints.txt"
    constraints.write_text(system_pins())
    try:
        run([python(venv), "-m", "pip", "install", "-q", "--disable-pip-version-check",
            "--constraint", constraints, f"{REPO}[test]"], timeout=1800)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        raise BringUpError("pip could not install the project's dependencies (see the"
            " log): check that PyPI is reachable, then run `make serve` again")
    stamp.write_text(digest)
    return True
