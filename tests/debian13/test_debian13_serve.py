"""`make serve` on Debian 13 (trixie: DaCHS 2.11, PostgreSQL 17, Python
3.13), in a debootstrap root with its own network namespace: the server comes
up, TAP serves the three epn_core tables with every imported granule through
nginx and through each DaCHS process's own port (the port instance.dachs_cli
gives it, on DaCHS 2.11), HAPI serves the sample through nginx to hapiclient,
and a second `make serve` changes nothing."""

import json

import pytest

from instance import server as server_mod
from instance import settings as settings_mod
from instance.dachs import SERVICES

# The first test also waits for the root, its packages and the first `make serve`.
pytestmark = [pytest.mark.debian13, pytest.mark.slow, pytest.mark.timeout(2400)]

# The defaults of settings.env: the root runs `make serve` without overrides.
DEFAULTS = settings_mod.load(environ={})
VENV_PYTHON = f"{DEFAULTS['CDPP_VENV']}/bin/python"


def granules_in_database(debian13, service):
    """Returns the row count of service's epn_core table, read with psql in the root."""
    result = debian13.run(f"runuser -u postgres -- psql -X -At -d {DEFAULTS['CDPP_DB_NAME']}"
        f" -c 'SELECT count(*) FROM {service}.epn_core'", timeout=60)
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


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
        assert counts[f"{service}.epn_core"] == granules_in_database(debian13, service) > 0


def test_hapi_serves_the_sample_through_the_proxy(first_serve, debian13, phases):
    with phases("HAPI check (hapiclient)"):
        result = debian13.in_repo(f"{VENV_PYTHON} tests/debian13/hapi_check.py"
            f" {server_mod.local_url(DEFAULTS)}/hapi", timeout=300)
        assert result.returncode == 0, f"HAPI check failed:\n{debian13.report(result)}"
    assert json.loads(result.stdout) == {"mms1-fgm-brst": 17792}


def dachs_processes(debian13):
    """Returns the DaCHS processes the root runs behind its proxy."""
    processes = [p for p in server_mod.backends(DEFAULTS) if p.label.startswith("DaCHS")]
    assert len(processes) >= 2
    return processes


def test_each_dachs_process_serves_tap_on_its_own_port(first_serve, debian13, phases):
    with phases("TAP check of each DaCHS process"):
        for process in dachs_processes(debian13):
            result = debian13.in_repo(f"{VENV_PYTHON} tests/debian13/tap_counts.py"
                f" {process.url}/tap", timeout=300)
            assert result.returncode == 0, f"{process.label}:\n{debian13.report(result)}"
            counts = json.loads(result.stdout)
            assert counts == {f"{service}.epn_core": granules_in_database(debian13, service)
                for service in SERVICES}


def test_make_status_reports_server_postgresql_17_and_granules(first_serve, debian13):
    result = debian13.in_repo("make status", timeout=120)
    assert result.returncode == 0, f"make status failed:\n{debian13.report(result)}"
    assert "nginx: running" in result.stdout
    for process in dachs_processes(debian13):
        assert f"{process.label}: running" in result.stdout
        assert f"({process.url}/ answers 200)" in result.stdout
    assert "PostgreSQL 17/main: online on port 5432" in result.stdout
    for service in SERVICES:
        count = granules_in_database(debian13, service)
        assert f"{service}.epn_core: {count} granules" in result.stdout


def test_second_make_serve_changes_nothing(first_serve, debian13, phases):
    state = debian13.file(DEFAULTS["CDPP_STATE_DIR"])
    before = {path.name: path.read_text() for path in state.glob("*.pid")}
    assert {"nginx.pid", "dachs-1.pid", "dachs-2.pid", "hapi.pid"} <= set(before)
    with phases("make serve (second)"):
        result = debian13.in_repo("make serve", timeout=600)
        assert result.returncode == 0, f"second make serve failed:\n{debian13.report(result)}"
    assert "nothing changed" in result.stdout, result.stdout
    for step in ("installing", "importing", "creating", "patching", "restarting", "starting"):
        assert f"* {step}" not in result.stdout, result.stdout
    assert {path.name: path.read_text() for path in state.glob("*.pid")} == before
