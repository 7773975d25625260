"""Running commands for the bring-up, with their output kept in a log file."""

import os
import subprocess
import sys
from pathlib import Path

LOG = Path(os.environ.get("CDPP_SERVE_LOG", "/var/log/cdpp-epntap-serve.log"))


def say(message):
    """Prints one progress line of the bring-up."""
    print(f"* {message}", flush=True)


def run(argv, *, check=True, env=None, capture=False, user=None, timeout=None):
    """Runs argv with no standard input; returns the CompletedProcess.

    The output goes to the log file unless capture is true (then it is in
    .stdout, text).  With check, a non-zero exit raises CalledProcessError.
    user runs the command as that system user (through runuser).
    """
    if user:
        argv = ["runuser", "-u", user, "--", *argv]
    full_env = dict(os.environ, DEBIAN_FRONTEND="noninteractive", **(env or {}))
    LOG.parent.mkdir(parents=True, exist_ok=True)
    with open(LOG, "a", encoding="utf-8") as log:
        log.write(f"\n$ {' '.join(map(str, argv))}\n")
        log.flush()
        result = subprocess.run(
            list(map(str, argv)), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if capture else log,
            stderr=subprocess.STDOUT if not capture else subprocess.PIPE,
            env=full_env, text=True, check=False, timeout=timeout)
        if capture:
            log.write(result.stdout or "")
            log.write(result.stderr or "")
    if check and result.returncode != 0:
        raise subprocess.CalledProcessError(
            result.returncode, argv, result.stdout, result.stderr)
    return result


def log_tail(lines=15):
    """Returns the last lines of the log file, for an error report."""
    try:
        return "".join(LOG.read_text(errors="replace").splitlines(True)[-lines:])
    except OSError:
        return ""


def fail_hint():
    """Prints where the full log is, on standard error."""
    tail = log_tail()
    if tail:
        sys.stderr.write(f"--- last lines of {LOG} ---\n{tail}")
