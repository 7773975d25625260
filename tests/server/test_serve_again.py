"""A second `make serve` on an unchanged tree changes nothing."""

import subprocess

import pytest

from instance import server as server_mod
from instance.settings import REPO

pytestmark = pytest.mark.integration


def test_second_serve_keeps_server_and_tables(server, settings):
    before = server_mod.pid(settings)
    result = subprocess.run([REPO / "bin" / "serve"], capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "nothing changed" in result.stdout
    for step in ("installing", "importing", "creating", "patching", "restarting", "starting"):
        assert f"* {step}" not in result.stdout
    assert server_mod.pid(settings) == before
    assert "/tap" in result.stdout and "/oai.xml" in result.stdout
