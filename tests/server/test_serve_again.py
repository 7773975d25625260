"""A second `make serve` on an unchanged tree changes nothing."""

import subprocess

import pytest

from instance import server as server_mod
from instance.settings import REPO

pytestmark = pytest.mark.integration


def running(settings):
    """Returns {process label: pid} of the server's processes (None: not running)."""
    return {process.label: pid for process, pid, _ in server_mod.status(settings)}


def test_second_serve_keeps_server_and_tables(server, settings):
    before = running(settings)
    assert all(before.values()), before
    result = subprocess.run([REPO / "bin" / "serve"], capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "nothing changed" in result.stdout
    for step in ("installing", "importing", "creating", "patching", "restarting", "starting"):
        assert f"* {step}" not in result.stdout
    assert running(settings) == before
    assert "/tap" in result.stdout and "/oai.xml" in result.stdout
