"""Fixtures shared by the test suite: the project settings and the running server."""

import subprocess

import pytest

from instance import server as server_mod
from instance import settings as settings_mod
from instance.settings import REPO


@pytest.fixture(scope="session")
def settings():
    """The project settings (settings.env overlaid by the environment)."""
    return settings_mod.load()


@pytest.fixture(scope="session")
def server(settings):
    """The base URL of the running DaCHS instance, brought up like `make serve`
    when it does not answer."""
    url = server_mod.local_url(settings)
    if server_mod.answers(url + "/") != 200:
        result = subprocess.run([REPO / "bin" / "serve"], stdin=subprocess.DEVNULL,
            capture_output=True, text=True)
        assert result.returncode == 0, f"bin/serve failed:\n{result.stdout}\n{result.stderr}"
    assert server_mod.answers(url + "/") == 200, f"no DaCHS server at {url}"
    return url


@pytest.fixture(scope="session")
def tap(server):
    """A pyvo TAP service on the running instance."""
    import pyvo
    return pyvo.dal.TAPService(server + "/tap")
