"""DaCHS's own validation of the three resource descriptors."""

import subprocess
from pathlib import Path

import pytest

from instance.dachs import SERVICES, dachs_env

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("service", SERVICES)
def test_dachs_validates_the_rd(server, settings, service, tmp_path):
    result = subprocess.run([Path(settings["CDPP_VENV"]) / "bin" / "dachs", "val", f"{service}/q"],
        capture_output=True, text=True, cwd=tmp_path, env=dachs_env(settings) | {"PATH": "/usr/bin:/bin"},
        stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{service}/q -- OK" in result.stdout, result.stdout + result.stderr
    assert not (tmp_path / "badDocument.xml").exists()
