"""The DaCHS web server: `dachs serve start --foreground`, detached and supervised by pid."""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from .dachs import dachs_env
from .errors import BringUpError
from .shell import say

START_TIMEOUT = 120


def _pidfile(settings):
    return Path(settings["CDPP_STATE_DIR"]) / "server.pid"


def logfile(settings):
    """Returns the path of the server's console log."""
    return Path(settings["CDPP_GAVO_ROOT"]) / "logs" / "cdpp-server.log"


def pid(settings):
    """Returns the pid of the running DaCHS server started here, or None."""
    try:
        value = int(_pidfile(settings).read_text())
        cmdline = Path(f"/proc/{value}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError):
        return None
    return value if b"serve" in cmdline and any(b"dachs" in a for a in cmdline) else None


def port_in_use(host, port):
    """Returns True if something accepts TCP connections on host:port."""
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, int(port))) == 0


def answers(url, timeout=5):
    """Returns the HTTP status of a GET on url, or None if nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, ValueError):
        return None


def local_url(settings):
    """Returns the URL under which this host reaches the server."""
    host = settings["CDPP_BIND_ADDRESS"]
    host = "127.0.0.1" if host in ("", "0.0.0.0") else host
    return f"http://{host}:{settings['CDPP_PORT']}"


def start(settings):
    """Starts the server in its own session and waits until it answers."""
    host = local_url(settings)
    if port_in_use(settings["CDPP_BIND_ADDRESS"] or "127.0.0.1", settings["CDPP_PORT"]):
        raise BringUpError(f"port {settings['CDPP_PORT']} is taken by another program:"
            " stop it, or choose another port with CDPP_PORT=<port> make serve")
    say(f"starting DaCHS on {host}")
    log = open(logfile(settings), "ab")
    process = subprocess.Popen(
        [Path(settings["CDPP_VENV"]) / "bin" / "dachs", "serve", "start", "--foreground"],
        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        env=dict(os.environ, **dachs_env(settings)), start_new_session=True,
        cwd="/")
    _pidfile(settings).write_text(str(process.pid))
    deadline = time.time() + START_TIMEOUT
    while time.time() < deadline:
        if process.poll() is not None:
            raise BringUpError(f"DaCHS exited at start (status {process.returncode}):"
                f" read {logfile(settings)}, fix the cause, then run `make serve` again")
        if answers(host + "/") == 200:
            return process.pid
        time.sleep(0.5)
    raise BringUpError(f"DaCHS did not answer on {host} within {START_TIMEOUT} s:"
        f" read {logfile(settings)}")


def stop(settings):
    """Stops the server started here; returns True if one was running."""
    running = pid(settings)
    if running is None:
        return False
    os.kill(running, signal.SIGTERM)
    for _ in range(100):
        if pid(settings) is None or not Path(f"/proc/{running}").exists():
            break
        time.sleep(0.1)
    else:
        os.kill(running, signal.SIGKILL)
    _pidfile(settings).unlink(missing_ok=True)
    return True
