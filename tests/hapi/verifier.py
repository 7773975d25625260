"""The HAPI verifier (hapi-server/verifier-nodejs, in shared/hapi/verifier), installed once and run on a server."""

import hashlib
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from instance import settings as settings_module
from instance.settings import REPO

SOURCE = REPO.parent / "shared" / "hapi" / "verifier"


def install():
    """Return the directory of a copy of the verifier with its npm packages (made again when the source changed)."""
    if shutil.which("npm") is None:
        raise RuntimeError("no npm: run `python3 -m instance test-packages` as root (what `make test` does)")
    target = Path(settings_module.load()["CDPP_STATE_DIR"]) / "hapi-verifier"
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in sorted(SOURCE.rglob("*.js*"))
                                     if "node_modules" not in path.parts)).hexdigest()
    stamp = target / ".source-digest"
    if stamp.exists() and stamp.read_text() == digest:
        return target
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(SOURCE, target)
    for path in [target, *target.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o200)
    subprocess.run(["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=target, check=True,
                   capture_output=True, timeout=600, stdin=subprocess.DEVNULL)
    stamp.write_text(digest)
    return target


def verify(url, dataset=None):
    """Return the verifier's report on the HAPI server at ``url``: {"passes": [...], "warns": [...], "fails": [...]}."""
    argv = ["node", "verify.js", "--url", url, "--output", "json"]
    if dataset:
        argv += ["--dataset", dataset]
    # node leaves a long report cut at 64 KiB when its stdout is a pipe: it goes to a file.
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        result = subprocess.run(argv, cwd=install(), stdout=out, stderr=subprocess.PIPE, text=True, timeout=600,
                                stdin=subprocess.DEVNULL)
        out.seek(0)
        text = out.read()
    if "{" not in text:
        raise RuntimeError(f"the verifier printed no report (exit {result.returncode}): {result.stderr[-2000:]}")
    return json.loads(text[text.index("{"):])
