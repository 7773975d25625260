"""The HAPI verifier on a server of every shared CDF file: each way a CDF holds time, spectra, 2-D arrays."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from hapi_archive import SHARED, TWO_DAYS
from instance.settings import REPO
from verifier import verify


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def shared_server(archive):
    """``python -m hapi serve`` on the test archive, on a free loopback port; its /hapi URL."""
    spase_dir, data_dir = archive
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "hapi", "serve", "--spase", str(spase_dir), "--data",
                                str(data_dir), "--bind", f"127.0.0.1:{port}", "--workers", "2"],
                               cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)), stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/hapi"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/capabilities", timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the HAPI server did not start: {process.stderr.read()[-2000:]}")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("dataset", sorted([*SHARED, TWO_DAYS]))
def test_verifier_finds_no_failure_on_any_shared_file(shared_server, dataset):
    report = verify(shared_server, dataset)
    fails = [f"{f['description'][:200]} | {str(f['got'])[:300]} | {f['url']}" for f in report["fails"]]
    assert fails == []
    assert any(f"/data?id={dataset}&" in p["url"] for p in report["passes"])
