"""The ansible deployment into a fresh Debian 12 root (ansible/deploy-check)."""

import os
import shutil
import subprocess

import pytest

from instance.settings import REPO

pytestmark = [pytest.mark.deploy, pytest.mark.slow, pytest.mark.timeout(1800)]


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("debootstrap"),
    reason="the deploy check needs root and debootstrap")
def test_deploy_check_passes_and_second_run_changes_nothing():
    result = subprocess.run([REPO / "ansible" / "deploy-check"], capture_output=True,
        text=True, stdin=subprocess.DEVNULL)
    print(result.stdout[-4000:])
    assert result.returncode == 0, result.stderr[-3000:] or result.stdout[-3000:]
    assert "deploy-check: passed" in result.stdout + result.stderr
    second = result.stdout.split("second run of site.yml", 1)[1]
    recap = second.split("PLAY RECAP", 1)[1].split("===", 1)[0]
    assert "changed=0" in recap and "failed=0" in recap
