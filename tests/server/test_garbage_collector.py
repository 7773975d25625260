"""The server leaves the objects it holds from its start out of Python's garbage
collector's passes (instance.dachs_cli)."""

import re
import time

import pytest

from instance import server as server_mod

pytestmark = pytest.mark.integration


def frozen_count(settings, pid):
    text = server_mod.logfile(settings).read_text(errors="replace")
    found = re.findall(rf"dachs serve \(pid {pid}\): (\d+) objects left out", text)
    return int(found[-1]) if found else None


def test_running_server_froze_its_startup_objects(server, settings):
    pid = server_mod.pid(settings)
    assert pid, "no server started by make serve"
    deadline = time.time() + 60
    while frozen_count(settings, pid) is None and time.time() < deadline:
        time.sleep(1)
    count = frozen_count(settings, pid)
    assert count is not None, f"server {pid} logged no freeze"
    # DaCHS's modules and the preloaded RDs: well over a hundred thousand objects.
    assert count > 100_000
