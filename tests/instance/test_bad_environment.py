"""The bring-up stops with one clear line on a bad environment."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from instance import debian, postgres, server
from instance.errors import BringUpError
from instance import settings as settings_mod
from instance.settings import REPO


def test_not_root_is_refused_with_what_to_do():
    scratch = Path(tempfile.mkdtemp(prefix="cdpp-notroot-"))
    try:
        (scratch / "bin").mkdir()
        shutil.copy(REPO / "bin" / "serve", scratch / "bin" / "serve")
        scratch.chmod(0o755)
        result = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534",
            "--clear-groups", scratch / "bin" / "serve"],
            capture_output=True, text=True, stdin=subprocess.DEVNULL)
    finally:
        shutil.rmtree(scratch)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "must run as root" in lines[0] and "sudo make serve" in lines[0]


def free_ports(count):
    """Returns count TCP ports of the loopback interface that nothing listens on."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


# The HAPI server's port is checked where the venv has the hapi package.
PORT_SETTINGS = ["CDPP_PORT", "CDPP_DACHS_PORT"] + (
    ["CDPP_HAPI_PORT"] if server.hapi_installed(settings_mod.load()) else [])


@pytest.mark.parametrize("setting", PORT_SETTINGS)
def test_taken_port_is_reported_before_anything_starts(settings, tmp_path, setting):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        proxy_port, dachs_port, hapi_port = free_ports(3)
        taken = dict(settings, CDPP_BIND_ADDRESS="127.0.0.1", CDPP_STATE_DIR=str(tmp_path),
            CDPP_PORT=str(proxy_port), CDPP_DACHS_PORT=str(dachs_port),
            CDPP_HAPI_PORT=str(hapi_port), CDPP_DACHS_PROCESSES="1")
        taken[setting] = str(port)
        with pytest.raises(BringUpError) as error:
            server.ensure(taken)
    message = str(error.value)
    assert f"port {port} " in message and "is taken by another program" in message
    assert f"{setting}=" in message
    assert list(tmp_path.iterdir()) == []


def _offline(code):
    """Runs Python code in a network namespace with no network; returns the result."""
    return subprocess.run(["unshare", "--net", sys.executable, "-c", code],
        cwd=REPO, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300,
        env=dict(os.environ, PIP_RETRIES="0", PIP_TIMEOUT="3"))


REPORT = """
import sys
from instance import debian, venv
from instance.errors import BringUpError
try:
    {call}
except BringUpError as error:
    print(error)
    sys.exit(1)
"""


def test_unreachable_debian_registry_says_what_to_do():
    result = _offline(REPORT.format(call="debian.apt_update()"))
    assert result.returncode == 1
    assert "cannot reach Debian's package registry" in result.stdout
    assert "run `make serve` again" in result.stdout


def test_unreachable_pypi_says_what_to_do(tmp_path):
    result = _offline(REPORT.format(call=f"venv.ensure({str(tmp_path / 'venv')!r})"))
    assert result.returncode == 1
    assert "pip could not install" in result.stdout and "PyPI" in result.stdout
    assert not (tmp_path / "venv" / venv_stamp()).exists()


def venv_stamp():
    from instance.venv import STAMP
    return STAMP


@pytest.fixture
def broken_cluster():
    """A PostgreSQL cluster whose configuration keeps it from starting."""
    major = debian.postgresql_major()
    name = "cdpp_broken_test"
    subprocess.run(["pg_dropcluster", "--stop", major, name], capture_output=True)
    subprocess.run(["pg_createcluster", "-p", "5499", major, name], check=True,
        capture_output=True)
    conf = Path(f"/etc/postgresql/{major}/{name}/postgresql.conf")
    conf.write_text(conf.read_text() + "\nshared_buffers = 'not a size'\n")
    yield major, name
    subprocess.run(["pg_dropcluster", "--stop", major, name], capture_output=True)


def test_postgresql_that_wont_start_points_at_its_log(broken_cluster):
    major, name = broken_cluster
    with pytest.raises(BringUpError) as error:
        postgres.ensure_running(major, name)
    message = str(error.value)
    assert f"PostgreSQL {major}/{name} won't start" in message
    assert f"/var/log/postgresql/postgresql-{major}-{name}.log" in message
