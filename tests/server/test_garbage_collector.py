"""The server leaves the objects it holds from its start out of Python's garbage
collector's passes (instance.dachs_cli)."""

import re
import time

import pytest

from instance import server as server_mod

pytestmark = pytest.mark.integration


def frozen_count(settings, name, pid):
    text = server_mod.logfile(settings, name).read_text(errors="replace")
    found = re.findall(rf"dachs serve \(pid {pid}\): (\d+) objects left out", text)
    return int(found[-1]) if found else None


def test_every_server_process_froze_its_startup_objects(server, settings):
    pids = server_mod.dachs_pids(settings)
    assert pids, "no server started by make serve"
    deadline = time.time() + 60
    while (any(frozen_count(settings, name, pid) is None for name, pid in pids.items())
            and time.time() < deadline):
        time.sleep(1)
    for name, pid in pids.items():
        count = frozen_count(settings, name, pid)
        assert count is not None, f"server {name} (pid {pid}) logged no freeze"
        # DaCHS's modules and the preloaded RDs: well over a hundred thousand objects.
        assert count > 100_000
