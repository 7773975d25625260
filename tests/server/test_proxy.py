"""The server's processes behind nginx: requests are spread over the DaCHS
processes, an asynchronous TAP job lives whichever process gets each request,
the absolute URLs are the public ones, and a DaCHS process that dies is passed
over by nginx and started again by the next `make serve`."""

import os
import signal
import subprocess
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import pytest
import requests
from astropy.io.votable import parse_single_table

from instance import server as server_mod
from instance.settings import REPO

pytestmark = pytest.mark.integration

QUERY = "SELECT TOP 5 granule_uid FROM amdadb.epn_core ORDER BY granule_uid"
UWS = "{http://www.ivoa.net/xml/UWS/v1.0}"


def dachs_urls(settings):
    """Returns {process name: base URL} of the running DaCHS processes."""
    running = server_mod.dachs_pids(settings)
    return {p.name: p.url for p in server_mod.backends(settings) if p.name in running}


def cpu_seconds(pid):
    """Returns the CPU time (user and system) process pid has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sync_query(base, query=QUERY):
    """Returns the answer of a TAP sync query sent to base."""
    return requests.post(f"{base}/tap/sync", data={"REQUEST": "doQuery", "LANG": "ADQL",
        "QUERY": query}, timeout=60)


def test_every_dachs_process_answers_on_its_own_port(server, settings):
    urls = dachs_urls(settings)
    assert len(urls) == server_mod.dachs_count(settings) >= 2
    for url in urls.values():
        answer = sync_query(url)
        assert answer.status_code == 200
        assert len(parse_single_table(BytesIO(answer.content)).array) == 5


def test_requests_through_the_proxy_are_spread_over_the_dachs_processes(server, settings):
    pids = server_mod.dachs_pids(settings)
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: sync_query(server).status_code, range(48)))
    assert answers == [200] * 48
    used = {name: cpu_seconds(pid) - before[name] for name, pid in pids.items()}
    total = sum(used.values())
    assert total > 0.5, used
    for name, seconds in used.items():
        assert seconds > total / (4 * len(used)), f"{name} served little: {used}"


def job_phase(base, job):
    return requests.get(f"{base}{job}/phase", timeout=30).text.strip()


def test_async_job_made_on_one_process_is_run_read_and_deleted_on_another(server, settings):
    first, second = list(dachs_urls(settings).values())[:2]
    public = settings["CDPP_SERVER_URL"]
    created = requests.post(f"{first}/tap/async", data={"REQUEST": "doQuery",
        "LANG": "ADQL", "QUERY": QUERY}, allow_redirects=False, timeout=30)
    assert created.status_code == 303
    # The job's URL is the public one (the proxy's), not the process's.
    location = created.headers["Location"]
    assert location.startswith(public + "/")
    job = location[len(public):]
    assert job_phase(second, job) == "PENDING"
    run = requests.post(f"{second}{job}/phase", data={"PHASE": "RUN"},
        allow_redirects=False, timeout=30)
    assert run.status_code == 303
    deadline = time.time() + 60
    while job_phase(first, job) not in ("COMPLETED", "ERROR") and time.time() < deadline:
        time.sleep(0.3)
    assert job_phase(first, job) == "COMPLETED"
    document = ET.fromstring(requests.get(f"{second}{job}", timeout=30).content)
    result_url = document.find(f"{UWS}results/{UWS}result").get(
        "{http://www.w3.org/1999/xlink}href")
    assert result_url.startswith(public + job)
    result = requests.get(second + result_url[len(public):], timeout=30)
    rows = parse_single_table(BytesIO(result.content)).array
    expected = parse_single_table(BytesIO(sync_query(server).content)).array
    assert list(rows["granule_uid"]) == list(expected["granule_uid"])
    deleted = requests.delete(f"{first}{job}", allow_redirects=False, timeout=30)
    assert deleted.status_code == 303
    for base in (first, second):
        assert requests.get(f"{base}{job}", timeout=30).status_code == 404


def test_public_urls_through_the_proxy(server, settings, tap):
    public = settings["CDPP_SERVER_URL"]
    assert requests.get(f"{server}/", timeout=30).status_code == 200
    assert requests.get(f"{server}/static/css/gavo_dc.css", timeout=30).status_code == 200
    capabilities = requests.get(f"{server}/tap/capabilities", timeout=30).text
    assert f"{public}/tap" in capabilities
    identify = requests.get(f"{server}/oai.xml", params={"verb": "Identify"}, timeout=30)
    assert f"<oai:baseURL>{public}/oai.xml</oai:baseURL>" in identify.text
    # A granule whose file this server holds.
    row = tap.search("SELECT TOP 1 access_url, datalink_url FROM amdadb.epn_core"
                     f" WHERE access_url LIKE '{public}/%'")[0]
    assert str(row["datalink_url"]).startswith(public)
    document = requests.get(str(row["datalink_url"]).replace(public, server), timeout=60)
    links = parse_single_table(BytesIO(document.content)).array
    pairs = {(str(s), str(u)) for s, u in zip(links["semantics"], links["access_url"]) if u}
    assert ("#this", str(row["access_url"])) in pairs
    assert any(s == "#preview" and u.startswith(public + "/") for s, u in pairs)
    product = requests.get(str(row["access_url"]).replace(public, server), timeout=60)
    assert product.status_code == 200 and product.content[:4] == b"\xcd\xf3\x00\x01"


def test_a_dead_dachs_process_is_passed_over_and_started_again(server, settings):
    pids = server_mod.dachs_pids(settings)
    name, victim = sorted(pids.items())[-1]
    os.kill(victim, signal.SIGKILL)
    deadline = time.time() + 10
    while server_mod.dachs_pids(settings).get(name) and time.time() < deadline:
        time.sleep(0.1)
    assert name not in server_mod.dachs_pids(settings)
    answers = [sync_query(server).status_code for _ in range(12)]
    assert answers == [200] * 12
    result = subprocess.run([REPO / "bin" / "serve"], capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=600)
    assert result.returncode == 0, result.stderr
    label = next(p.label for p in server_mod.backends(settings) if p.name == name)
    assert f"* starting {label} " in result.stdout
    assert "* restarting" not in result.stdout
    after = server_mod.dachs_pids(settings)
    assert set(after) == set(pids) and after[name] != victim
    assert all(after[other] == pids[other] for other in pids if other != name)
    assert sync_query(dachs_urls(settings)[name]).status_code == 200
