"""The server's processes: nginx on CDPP_BIND_ADDRESS:CDPP_PORT and, behind it on
the loopback interface, CDPP_DACHS_PROCESSES DaCHS servers (``dachs serve start
--foreground`` on CDPP_DACHS_PORT and the ports after it) and the HAPI server
(``python -m hapi serve`` on CDPP_HAPI_PORT, where the venv has the hapi package).

Each runs detached, in a session of its own, with a pid file in CDPP_STATE_DIR
(``nginx.pid``, ``dachs-1.pid``, ..., ``hapi.pid``) and its console log in
DaCHS's log directory.  `ensure` starts what does not run, restarts a process
whose command or settings changed (one at a time: the others keep answering
behind nginx) and reloads nginx when its configuration changed.
"""

import hashlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .dachs import dachs_env, render
from .dachs_cli import PORT_VARIABLE
from .errors import BringUpError
from .shell import say

START_TIMEOUT = 120
STOP_TIMEOUT = 15
NGINX = "/usr/sbin/nginx"
# The pid files this module writes (``server``: the single DaCHS server that
# earlier versions ran on CDPP_PORT, stopped when found).
PID_NAMES = ("nginx", "hapi", "server")
PID_PREFIX = "dachs-"


@dataclass(frozen=True)
class Process:
    """One process of the server: its pid file's name, what messages call it,
    its command, the port it listens on and the setting that chooses it."""
    name: str
    label: str
    argv: tuple
    port: int
    setting: str
    #: What its /proc/<pid>/cmdline holds.
    marker: bytes
    #: The path that answers 200 once it serves.
    check_path: str = "/"
    host: str = "127.0.0.1"
    env: dict = field(default_factory=dict, compare=False)
    #: The user it runs as (None: root; DaCHS drops to gavo by itself).
    user: str = None

    @property
    def url(self):
        """Returns the base URL under which this host reaches the process."""
        return f"http://{self.host}:{self.port}"

    def digest(self):
        """Returns a digest of its command and of the settings it runs with."""
        env = {name: value for name, value in self.env.items() if name != "PATH"}
        return hashlib.sha256(json.dumps([self.argv, env, self.user],
            sort_keys=True).encode()).hexdigest()


def _state(settings, name, suffix):
    return Path(settings["CDPP_STATE_DIR"]) / f"{name}.{suffix}"


def logfile(settings, name):
    """Returns the path of the console log of the process called name."""
    return Path(settings["CDPP_GAVO_ROOT"]) / "logs" / f"cdpp-{name}.log"


def nginx_config_path(settings):
    """Returns the path of the configuration file the proxy runs with."""
    return Path(settings["CDPP_STATE_DIR"]) / "nginx" / "nginx.conf"


def dachs_count(settings):
    """Returns how many DaCHS processes to run: CDPP_DACHS_PROCESSES, or one
    per CPU core when it is empty."""
    value = settings.get("CDPP_DACHS_PROCESSES", "").strip()
    if not value:
        return os.cpu_count() or 1
    if value.isdigit() and int(value) >= 1:
        return int(value)
    raise BringUpError(f"CDPP_DACHS_PROCESSES={value!r} is not a number of processes:"
        " set it to 1 or more, or leave it empty for one per CPU core")


def hapi_installed(settings):
    """Returns True if the venv's Python has the hapi package."""
    python = Path(settings["CDPP_VENV"]) / "bin" / "python"
    if not python.exists():
        return False
    result = subprocess.run([python, "-c",
        "import importlib.util, sys; sys.exit(importlib.util.find_spec('hapi') is None)"],
        cwd="/", stdin=subprocess.DEVNULL, capture_output=True)
    return result.returncode == 0


def backends(settings):
    """Returns the processes behind the proxy: the DaCHS servers, then HAPI
    when the venv has it."""
    env = dachs_env(settings)
    venv = Path(settings["CDPP_VENV"]) / "bin"
    first = int(settings["CDPP_DACHS_PORT"])
    processes = [Process(f"{PID_PREFIX}{number}", f"DaCHS {number}",
            (str(venv / "dachs"), "serve", "start", "--foreground"), first + number - 1,
            "CDPP_DACHS_PORT", b"serve", env=dict(env, **{PORT_VARIABLE: str(first + number - 1)}))
        for number in range(1, dachs_count(settings) + 1)]
    if hapi_installed(settings):
        cache = str(Path(settings["CDPP_GAVO_ROOT"]) / "cache")
        processes.append(Process("hapi", "HAPI", (str(venv / "python"), "-m", "hapi", "serve"),
            int(settings["CDPP_HAPI_PORT"]), "CDPP_HAPI_PORT", b"hapi",
            check_path="/hapi/capabilities", env=dict(env, XDG_CACHE_HOME=cache),
            user="gavo"))
    return processes


def local_url(settings):
    """Returns the URL under which this host reaches the server (the proxy)."""
    host = settings["CDPP_BIND_ADDRESS"]
    host = "127.0.0.1" if host in ("", "0.0.0.0") else host
    return f"http://{host}:{settings['CDPP_PORT']}"


def proxy(settings):
    """Returns the nginx process in front of the backends."""
    host = local_url(settings).split("//", 1)[1].rsplit(":", 1)[0]
    config = nginx_config_path(settings)
    errors = Path(settings["CDPP_GAVO_ROOT"]) / "logs" / "nginx-error.log"
    return Process("nginx", "nginx", (NGINX, "-c", str(config), "-e", str(errors)),
        int(settings["CDPP_PORT"]), "CDPP_PORT", b"nginx", host=host)


def nginx_config(settings, processes):
    """Returns the text of the proxy's configuration for these backends."""
    bind = settings["CDPP_BIND_ADDRESS"]
    dachs_ports = [p.port for p in processes if p.name.startswith(PID_PREFIX)]
    hapi_port = next((p.port for p in processes if p.name == "hapi"), None)
    return render("nginx.conf", dict(settings,
        CDPP_LISTEN=f"{bind}:{settings['CDPP_PORT']}" if bind else settings["CDPP_PORT"],
        CDPP_NGINX_DIR=str(nginx_config_path(settings).parent),
        CDPP_PID_FILE=str(_state(settings, "nginx", "pid")),
        CDPP_LOG_DIR=str(Path(settings["CDPP_GAVO_ROOT"]) / "logs")),
        dachs_ports=dachs_ports, hapi_port=hapi_port)


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


def running(settings, process_name, marker):
    """Returns the pid of the live process its pid file names, or None."""
    try:
        value = int(_state(settings, process_name, "pid").read_text())
        cmdline = Path(f"/proc/{value}/cmdline").read_bytes()
        process_state = Path(f"/proc/{value}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, ValueError, IndexError):
        return None
    return value if marker in cmdline and process_state != "Z" else None


def pid(settings, process):
    """Returns the pid of process (a Process) if it runs, or None."""
    return running(settings, process.name, process.marker)


def dachs_pids(settings):
    """Returns {pid file name: pid} of the DaCHS processes that run."""
    found = {p.name: pid(settings, p) for p in backends(settings)
        if p.name.startswith(PID_PREFIX)}
    return {name: value for name, value in found.items() if value}


def _pid_files(settings):
    """Returns the names of the pid files this module wrote in the state directory."""
    directory = Path(settings["CDPP_STATE_DIR"])
    return sorted(path.stem for path in directory.glob("*.pid")
        if path.stem in PID_NAMES or path.stem.startswith(PID_PREFIX))


def _marker(name):
    return {"nginx": b"nginx", "hapi": b"hapi"}.get(name, b"serve")


def stop_one(settings, name, marker=None):
    """Stops the process of pid file name (SIGTERM, SIGKILL after STOP_TIMEOUT
    seconds) and removes its files; returns True if it was running."""
    value = running(settings, name, marker or _marker(name))
    if value is not None:
        os.kill(value, signal.SIGTERM)
        deadline = time.time() + STOP_TIMEOUT
        while running(settings, name, marker or _marker(name)) and time.time() < deadline:
            time.sleep(0.1)
        if running(settings, name, marker or _marker(name)):
            os.kill(value, signal.SIGKILL)
    for suffix in ("pid", "digest"):
        _state(settings, name, suffix).unlink(missing_ok=True)
    return value is not None


def stop(settings):
    """Stops nginx, then every process behind it; returns the names of those
    that ran."""
    names = _pid_files(settings)
    names.sort(key=lambda name: name != "nginx")
    return [name for name in names if stop_one(settings, name)]


def _check_ports(settings, processes):
    """Raises BringUpError if two processes share a port, or if a port of
    one of processes (none of which runs) is taken."""
    seen = {}
    for process in [proxy(settings), *backends(settings)]:
        other = seen.setdefault(process.port, process)
        if other is not process:
            raise BringUpError(f"{process.label} and {other.label} would both listen on port"
                f" {process.port} ({process.setting}, {other.setting}): choose ports apart"
                " in settings.env")
    for process in processes:
        if port_in_use(process.host, process.port):
            hint = (f"{process.setting}=<port>" if process.setting != "CDPP_DACHS_PORT" else
                "CDPP_DACHS_PORT=<first of free ports>")
            raise BringUpError(f"port {process.port} ({process.label}) is taken by another"
                f" program: stop it, or choose another port with {hint} make serve")


def _start(settings, process):
    """Starts process detached; returns its Popen."""
    say(f"starting {process.label} on {process.url}")
    log = open(logfile(settings, process.name), "ab")
    user = {"user": process.user, "group": process.user, "extra_groups": []} \
        if process.user else {}
    env = dict(os.environ, **process.env)
    popen = subprocess.Popen(list(process.argv), stdin=subprocess.DEVNULL, stdout=log,
        stderr=subprocess.STDOUT, env=env, start_new_session=True, cwd="/", **user)
    log.close()
    _state(settings, process.name, "pid").write_text(str(popen.pid))
    _state(settings, process.name, "digest").write_text(process.digest())
    return popen


def _wait(settings, started):
    """Waits until each (process, popen) of started answers 200."""
    deadline = time.time() + START_TIMEOUT
    pending = list(started)
    while pending:
        for process, popen in list(pending):
            if popen.poll() is not None:
                raise BringUpError(f"{process.label} exited at start (status"
                    f" {popen.returncode}): read {logfile(settings, process.name)}, fix the"
                    " cause, then run `make serve` again")
            if answers(process.url + process.check_path, timeout=2) == 200:
                pending.remove((process, popen))
        if pending and time.time() > deadline:
            process = pending[0][0]
            raise BringUpError(f"{process.label} did not answer on {process.url} within"
                f" {START_TIMEOUT} s: read {logfile(settings, process.name)}")
        if pending:
            time.sleep(0.3)


def _nginx_check(settings, process):
    result = subprocess.run([*process.argv, "-t", "-q"], stdin=subprocess.DEVNULL,
        capture_output=True, text=True)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines() or ["no output"]
        raise BringUpError(f"nginx refuses {nginx_config_path(settings)}: {lines[0]}")


def _write_nginx_config(settings, processes):
    """Writes the proxy's configuration; returns True if it changed."""
    path = nginx_config_path(settings)
    text = nginx_config(settings, processes)
    if path.exists() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return True


def ensure(settings, restart=False):
    """Brings every process up: stops those no longer wanted, starts those not
    running, restarts (one at a time) the backends whose command or settings
    changed, or all of them if restart, and starts or reloads nginx; returns
    the list of what it did (empty: nothing changed)."""
    done = []
    wanted = backends(settings)
    front = proxy(settings)
    names = {p.name for p in wanted} | {front.name}
    for name in _pid_files(settings):
        if name not in names and stop_one(settings, name):
            say(f"stopped {name}, which the settings no longer ask for")
            done.append(f"stopped {name}")
    missing = [p for p in wanted if pid(settings, p) is None]
    _check_ports(settings, missing + ([front] if pid(settings, front) is None else []))
    Path(settings["CDPP_STATE_DIR"]).mkdir(parents=True, exist_ok=True)
    _wait(settings, [(p, _start(settings, p)) for p in missing])
    done += [f"started {p.label}" for p in missing]
    for process in wanted:
        if process in missing:
            continue
        digest = _state(settings, process.name, "digest")
        if restart or not digest.exists() or digest.read_text() != process.digest():
            say(f"restarting {process.label} for the new configuration")
            stop_one(settings, process.name, process.marker)
            _check_ports(settings, [process])
            _wait(settings, [(process, _start(settings, process))])
            done.append(f"restarted {process.label}")
    changed = _write_nginx_config(settings, wanted)
    running_front = pid(settings, front)
    digest = _state(settings, front.name, "digest")
    if running_front and digest.exists() and digest.read_text() != front.digest():
        stop_one(settings, front.name, front.marker)
        running_front = None
    if running_front is None:
        _nginx_check(settings, front)
        _wait(settings, [(front, _start(settings, front))])
        done.append("started nginx")
    elif changed:
        _nginx_check(settings, front)
        say("reloading nginx for its new configuration")
        os.kill(running_front, signal.SIGHUP)
        done.append("reloaded nginx")
    return done


def status(settings):
    """Returns (process, pid or None, HTTP status of its check path or None)
    for nginx and each backend."""
    result = []
    for process in [proxy(settings), *backends(settings)]:
        value = pid(settings, process)
        result.append((process, value,
            answers(process.url + process.check_path) if value else None))
    return result
