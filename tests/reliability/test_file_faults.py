"""Files that fail under the server: a CDF file truncated or removed between the
TAP query and its DataLink download, and the disk of asynchronous TAP results
running full.  Each gets a clean error, and the next request is served."""

import shutil
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest
import requests

import traffic
from instance import postgres

#: The test's own granule: a copy of the MMS row pointing at a copy of its file.
UID = "reliability-test-faults_20151016"
DIRECTORY = "reliability-test-faults"
FILE = "faults_20151016.cdf"
#: Sizes (bytes) the file is cut to.
CUTS = (0, 100, 4096, 200_000, 600_000)
SLICE = {"START": "2015-10-16T13:06:00Z", "STOP": "2015-10-16T13:06:05Z"}
REQUESTS = (("ASCII", {"FORMAT": "ASCII", **SLICE}), ("VOTable", {"FORMAT": "VOTable", **SLICE}),
            ("CDF", {"FORMAT": "CDF_ISTP", **SLICE}), ("preview", {"FORMAT": "image/png"}))


def sql(settings, text):
    return postgres.psql(text, database=settings["CDPP_DB_NAME"]).stdout


@pytest.fixture
def fault_granule(settings, server):
    """The granule UID with a local file of its own (its path is yielded), removed afterwards."""
    directory = Path(settings["CDPP_GAVO_ROOT"]) / "inputs" / "amdadb" / "data" / "cdf" / DIRECTORY
    source = Path(settings["CDPP_GAVO_ROOT"]) / "inputs" / "amdadb" / "data" / "cdf" / "mms1-fgm-brst" / \
        "mms1_fgm_brst_l2_sample.cdf"
    directory.mkdir(exist_ok=True)
    shutil.copyfile(source, directory / FILE)
    url = f"{settings['CDPP_SERVER_URL']}/getproduct/amdadb/data/cdf/{DIRECTORY}/{FILE}"
    sql(settings, f"DELETE FROM amdadb.granules WHERE granule_uid = '{UID}';"
        f" CREATE TEMP TABLE copy AS SELECT * FROM amdadb.granules WHERE granule_uid = '{traffic.GRANULE}';"
        f" UPDATE copy SET granule_uid = '{UID}', access_url = '{url}', file_name = '{FILE}';"
        " INSERT INTO amdadb.granules SELECT * FROM copy")
    try:
        yield directory / FILE
    finally:
        sql(settings, f"DELETE FROM amdadb.granules WHERE granule_uid = '{UID}'")
        shutil.rmtree(directory, ignore_errors=True)


def clean_error(answer):
    """Returns "" if ``answer`` is an HTTP error with a message, else what is wrong."""
    if answer.status_code < 400:
        return f"HTTP {answer.status_code}"
    text = answer.text
    if "QUERY_STATUS" not in text and "<title>" not in text.lower() and len(text.strip()) < 20:
        return f"HTTP {answer.status_code} without a message: {text[:100]!r}"
    return ""


def complete(kind, answer):
    """Returns "" if a 200 answer is a whole document of its kind, else what is wrong."""
    body = answer.content
    if kind == "CDF":
        return "" if body.startswith(traffic.CDF_MAGIC) else "not a CDF file"
    if kind == "VOTable":
        return "" if body.rstrip().endswith(b"</VOTABLE>") else "VOTable cut short"
    if kind == "preview":
        return "" if body.startswith(b"\x89PNG") and body.endswith(b"IEND\xaeB`\x82") else "PNG cut short"
    lines = body.decode().splitlines()
    records = int(next(line for line in lines if line.startswith("# Records:")).split(":")[1])
    data = [line for line in lines if line and not line.startswith("#")]
    return "" if len(data) == records + 1 or len(data) == records else "ASCII slice cut short"


@pytest.mark.integration
def test_cdf_file_cut_or_removed_before_the_download(server, settings, fault_granule, report):
    did = f"ivo://{settings['CDPP_AUTHORITY']}/~?amdadb/{UID}"
    dlget = traffic.loopback(server + "/amdadb/q/dl/dlget")
    original = fault_granule.read_bytes()
    problems, probes = [], 0
    with requests.Session() as session:
        found = session.post(server + "/tap/sync", timeout=60, data={
            "REQUEST": "doQuery", "LANG": "ADQL", "RESPONSEFORMAT": "csv",
            "QUERY": f"SELECT datalink_url FROM amdadb.epn_core WHERE granule_uid = '{UID}'"})
        assert urllib.parse.quote(did, safe="") in found.text, found.text
        for cut in CUTS + ("removed",):
            if cut == "removed":
                fault_granule.unlink()
            else:
                fault_granule.write_bytes(original[:cut])
            for kind, params in REQUESTS:
                answer = session.get(dlget, params={"ID": did, **params}, timeout=60)
                probes += 1
                wrong = complete(kind, answer) if answer.status_code == 200 else clean_error(answer)
                if wrong or answer.status_code >= 500 and "cannot be read" not in answer.text:
                    problems.append(f"{kind}, file {cut}: {wrong or answer.text[:200]}")
            this = session.get(f"{server}/getproduct/amdadb/data/cdf/{DIRECTORY}/{FILE}", timeout=60)
            probes += 1
            if cut == "removed" and this.status_code != 404:
                problems.append(f"#this of a removed file: HTTP {this.status_code}")
            fault_granule.write_bytes(original)
            for kind, params in REQUESTS:
                answer = session.get(dlget, params={"ID": did, **params}, timeout=60)
                probes += 1
                if answer.status_code != 200 or complete(kind, answer):
                    problems.append(f"{kind} after the file came back ({cut}): HTTP {answer.status_code}")
    report("faults", f"CDF file cut to {', '.join(map(str, CUTS))} bytes or removed before the DataLink"
           " download", probes, f"{len(problems)} unclean answers; each next request served", not problems)
    assert not problems, "\n".join(problems)


def uws_directory(settings):
    """Returns DaCHS's directory of asynchronous jobs ([general]uwsWD)."""
    return Path(settings["CDPP_GAVO_ROOT"]) / "state" / "uwsjobs"


def async_job(session, server, query, budget=60):
    """Runs an async TAP job; returns (its final phase, its error summary, the result's HTTP status, the result)."""
    created = session.post(server + "/tap/async", allow_redirects=False, timeout=60, data={
        "REQUEST": "doQuery", "LANG": "ADQL", "QUERY": query, "MAXREC": "100000"})
    assert created.status_code == 303, created.text[:300]
    job = server + urllib.parse.urlsplit(created.headers["Location"]).path
    session.post(job + "/phase", data={"PHASE": "RUN"}, timeout=60)
    phase, deadline = "", time.monotonic() + budget
    while time.monotonic() < deadline:
        session.get(job, params={"WAIT": "5"}, timeout=60)
        phase = session.get(job + "/phase", timeout=60).text.strip()
        if phase in ("COMPLETED", "ERROR", "ABORTED"):
            break
    error = session.get(job + "/error", timeout=60)
    result = session.get(job + "/results/result", timeout=60)
    session.post(job, data={"ACTION": "DELETE"}, allow_redirects=False, timeout=60)
    return phase, error.text[:400], result.status_code, result.content


@pytest.mark.integration
def test_async_results_on_a_full_disk(server, settings, report):
    directory = uws_directory(settings)
    stat = directory.stat()
    big = "SELECT * FROM amdadb.epn_core"
    problems = []
    with requests.Session() as session:
        whole = async_job(session, server, big)
        assert whole[0] == "COMPLETED" and len(whole[3]) > 1_000_000, whole[:3]
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size=256k,mode=0775,uid={stat.st_uid},gid={stat.st_gid}",
                        "tmpfs", str(directory)], check=True, timeout=30)
        try:
            phase, error, status, body = async_job(session, server, big)
            refused = status >= 400 or b'name="QUERY_STATUS" value="ERROR"' in body[:2000]
            if not refused:
                problems.append(f"a result written to a 256 kB disk was served ({len(body):,} bytes,"
                                f" HTTP {status}, job {phase})")
            if phase != "ERROR" or not error.strip():
                problems.append(f"the job ended in {phase!r} with error {error!r}")
            small = async_job(session, server, "SELECT TOP 1 granule_uid FROM amdadb.epn_core")
        finally:
            for attempt in range(20):
                if subprocess.run(["umount", str(directory)], timeout=30).returncode == 0:
                    break
                time.sleep(0.5)
            else:
                subprocess.run(["umount", "-l", str(directory)], timeout=30)
        after = async_job(session, server, big)
    mounted = str(directory) in Path("/proc/mounts").read_text()
    if mounted:
        problems.append(f"{directory} is still mounted")
    if after[0] != "COMPLETED" or abs(len(after[3]) - len(whole[3])) > len(whole[3]) // 100:
        problems.append(f"after the disk came back: {after[:3]}")
    report("faults", "async TAP result on a full disk (256 kB tmpfs over DaCHS's job directory)", 4,
           f"big job: {phase}, its result {'refused' if refused else 'SERVED'} (HTTP {status}"
           f"{', an error document' if refused and status < 400 else ''});"
           f" small job: {small[0]}; after: {after[0]}"
           f" ({len(after[3]):,} bytes)", not problems)
    assert not problems, "\n".join(problems)
