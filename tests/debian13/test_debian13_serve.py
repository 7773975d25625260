"""`make serve` on Debian 13 (trixie: DaCHS 2.11, PostgreSQL 17, Python
3.13), in a debootstrap root with its own network namespace: the server comes
up, TAP serves the three epn_core tables with every imported granule, and a
second `make serve` changes nothing."""

import json

import pytest

from instance import server as server_mod
from instance import settings as settings_mod
from instance.dachs import SERVICES

pytestmark = [pytest.mark.debian13, pytest.mark.slow]

# The defaults of settings.env: the root runs `make serve` without overrides.
DEFAULTS = settings_mod.load(environ={})
VENV_PYTHON = f"{DEFAULTS['CDPP_VENV']}/bin/python"


@pytest.fixture(scope="module")
def first_serve(debian13, phases):
    """The output of a first `make serve` in the root, which must succeed."""
    with phases("make serve (first)"):
        result = debian13.in_repo("make serve", timeout=3600)
    assert result.returncode == 0, f"make serve failed on Debian 13:\n{debian13.report(result)}"
    return result


def test_make_serve_prints_the_urls(first_serve):
    assert "The CDPP EPN-TAP server is up" in first_serve.stdout
    for label, url in (("TAP", f"{DEFAULTS['CDPP_SERVER_URL']}/tap"),
            *((service, f"{DEFAULTS['CDPP_SERVER_URL']}/{service}/q/q/form")
              for service in SERVICES)):
        assert url in first_serve.stdout, f"{label} URL missing:\n{first_serve.stdout}"


def test_tap_serves_every_granule_of_the_three_services(first_serve, debian13, phases):
    with phases("TAP check (pyvo)"):
        result = debian13.in_repo(f"{VENV_PYTHON} tests/debian13/tap_counts.py"
            f" {server_mod.local_url(DEFAULTS)}/tap", timeout=300)
    assert result.returncode == 0, f"TAP query failed:\n{debian13.report(result)}"
    counts = json.loads(result.stdout)
    assert set(counts) == {f"{service}.epn_core" for service in SERVICES}
    for service in SERVICES:
        in_database = debian13.run(f"runuser -u postgres -- psql -X -At -d"
            f" {DEFAULTS['CDPP_DB_NAME']} -c 'SELECT count(*) FROM {service}.epn_core'")
        assert in_database.returncode == 0, in_database.stderr
        assert counts[f"{service}.epn_core"] == int(in_database.stdout) > 0


def test_second_make_serve_changes_nothing(first_serve, debian13, phases):
    pid_file = debian13.file(f"{DEFAULTS['CDPP_STATE_DIR']}/server.pid")
    before = pid_file.read_text()
    with phases("make serve (second)"):
        result = debian13.in_repo("make serve", timeout=600)
    assert result.returncode == 0, f"second make serve failed:\n{debian13.report(result)}"
    assert "nothing changed" in result.stdout, result.stdout
    for step in ("installing", "importing", "creating", "patching", "restarting", "starting"):
        assert f"* {step}" not in result.stdout, result.stdout
    assert pid_file.read_text() == before
