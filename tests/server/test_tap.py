"""The three EPN-TAP services through TAP, with pyvo and STILTS taplint."""

import re
import subprocess
from datetime import date

import pytest
import requests
from astropy.time import Time

from instance.dachs import SERVICES, TEMPLATES

pytestmark = pytest.mark.integration
#: The examples the TAP service gives (instance/templates/userconfig.rd).
EXAMPLES = (TEMPLATES / "userconfig.rd").read_text().count('name="_example"')

EPNTAP_UTYPE = "ivo://ivoa.net/std/epntap#table-2.0"
FILLED_ON_EVERY_ROW = ("granule_uid", "granule_gid", "obs_id", "dataproduct_type",
    "target_name", "target_class", "time_min", "time_max", "instrument_host_name",
    "instrument_name", "service_title")


def test_epn_core_tables_carry_the_epntap_utype(tap):
    rows = tap.search("SELECT table_name, utype FROM tap_schema.tables"
        " WHERE table_name LIKE '%.epn_core'").to_table()
    found = {str(name): str(utype) for name, utype in zip(rows["table_name"], rows["utype"])}
    assert found == {f"{service}.epn_core": EPNTAP_UTYPE for service in SERVICES}


@pytest.mark.parametrize("service", SERVICES)
def test_granules_have_their_mandatory_values(tap, service):
    missing = " OR ".join(f"{column} IS NULL" for column in FILLED_ON_EVERY_ROW)
    counts = tap.search(f"SELECT COUNT(*) AS n, SUM(CASE WHEN {missing} THEN 1 ELSE 0 END)"
        f" AS incomplete, SUM(CASE WHEN service_title = '{service}' THEN 1 ELSE 0 END)"
        f" AS titled FROM {service}.epn_core").to_table()
    assert counts["n"][0] > 0
    assert counts["incomplete"][0] == 0
    assert counts["titled"][0] == counts["n"][0]


@pytest.mark.parametrize("service", SERVICES)
def test_async_query_as_topcat_sends_it(tap, service):
    # DaCHS runs each asynchronous job in a process of its own (`gavo taprun`),
    # which loads the service's RD again.
    sync = tap.run_sync(f"SELECT TOP 3 granule_uid FROM {service}.epn_core"
        " ORDER BY granule_uid").to_table()
    job = tap.run_async(f"SELECT TOP 3 granule_uid FROM {service}.epn_core"
        " ORDER BY granule_uid").to_table()
    assert len(job) == 3
    assert list(job["granule_uid"]) == list(sync["granule_uid"])


def test_times_are_julian_days_with_min_before_max(tap):
    bad = tap.search("SELECT COUNT(*) AS n FROM amdadb.epn_core WHERE time_min > time_max"
        " OR time_min < 2378496.5 OR time_max > 2488069.5").to_table()
    assert bad["n"][0] == 0


def jd(day):
    return Time(day.isoformat(), scale="utc").jd


def test_vespa_query_returns_the_granules_of_the_interval(tap):
    earth = tap.search("SELECT granule_gid, MIN(time_min) AS t_first, MAX(time_max) AS t_last"
        " FROM amdadb.epn_core WHERE target_name = 'Earth' GROUP BY granule_gid").to_table()
    assert len(earth) > 0
    first = Time(min(earth["t_first"]), format="jd").to_datetime().date()
    day1 = date.fromordinal(first.toordinal() + 10)
    j1, j2 = jd(day1), jd(day1) + 2
    result = tap.search(f"SELECT * FROM amdadb.epn_core WHERE target_name='Earth'"
        f" AND time_min <= {j2} AND time_max >= {j1}").to_table()
    expected = {str(gid) for gid, lo, hi in zip(earth["granule_gid"], earth["t_first"],
        earth["t_last"]) if lo <= j2 and hi >= j1}
    assert {str(g) for g in result["granule_gid"]} == expected
    assert all(str(t) == "Earth" for t in result["target_name"])
    assert all(lo <= j2 and hi >= j1 for lo, hi in zip(result["time_min"], result["time_max"]))
    # daily granules: each dataset contributes the days touching [j1, j2]
    for gid in expected:
        days = sorted(lo for g, lo in zip(result["granule_gid"], result["time_min"])
            if str(g) == gid)
        assert 1 <= len(days) <= 4
        assert all(b - a == pytest.approx(1.0) for a, b in zip(days, days[1:]))


def test_examples_are_declared_to_clients_and_to_the_registry(server, settings):
    examples = "ivo://ivoa.net/std/DALI#examples"
    capabilities = requests.get(f"{server}/tap/capabilities", timeout=30).text
    record = requests.get(f"{server}/oai.xml", timeout=30, params={"verb": "GetRecord",
        "metadataPrefix": "ivo_vor", "identifier": f"ivo://{settings['CDPP_AUTHORITY']}/tap"})
    assert f'standardID="{examples}"' in capabilities
    assert f'standardID="{examples}"' in record.text
    page = requests.get(f"{server}/tap/examples", timeout=30)
    assert page.status_code == 200
    assert page.text.count('property="query"') == EXAMPLES


def test_taplint_reports_no_error(server):
    # Every stage but ObsLocTAP's (LOC), which is for observation plans: uploads
    # (UPL) and the examples document (EXA, each example run) included.
    result = subprocess.run(["stilts", "taplint", f"tapurl={server}/tap",
        "stages=-LOC", "maxrepeat=3"], capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=900)
    totals = re.search(r"Totals: Errors: (\d+); Warnings: (\d+); Infos: \d+;"
        r" Summaries: \d+; Failures: (\d+)", result.stdout)
    assert totals, f"no Totals line in taplint output:\n{result.stdout[-3000:]}"
    warnings = [line for line in result.stdout.splitlines() if line.startswith("W-")]
    print("taplint warnings:\n" + "\n".join(warnings))
    problems = [line for line in result.stdout.splitlines() if line.startswith(("E-", "F-"))]
    assert int(totals.group(1)) == 0 and int(totals.group(3)) == 0, "\n".join(problems)
    assert f"Syntax validity success/attempt: {EXAMPLES}/{EXAMPLES}, Symbol validity" \
        f" success/attempt: {EXAMPLES}/{EXAMPLES}, Execution success/attempt:" \
        f" {EXAMPLES}/{EXAMPLES}" in result.stdout
