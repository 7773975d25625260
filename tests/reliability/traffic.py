"""The requests the reliability suite sends to the server, and what it measures of it.

Every request goes to the loopback interface (:func:`loopback`) through one
``requests`` session per client; an answer is an :class:`Outcome`: its kind,
HTTP status (None for a broken connection or a timeout), latency, and
whether its content is what that kind must answer.
"""

import os
import random
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import requests
from lxml import etree

#: The amdadb granule with a local CDF file, and the span of its records (UTC).
GRANULE = "mms1-fgm-brst_20151016"
GRANULE_SPAN = ("2015-10-16T13:05:25", "2015-10-16T13:07:43")
DID = f"ivo://cdpp.irap/~?amdadb/{GRANULE}"
#: The first bytes of a CDF file (version 3).
CDF_MAGIC = b"\xcd\xf3\x00\x01"
#: Seconds a request may take before it counts as hung.
REQUEST_TIMEOUT = 60

SYNC_QUERIES = (
    "SELECT TOP 20 granule_uid, time_min, time_max FROM amdadb.epn_core"
    " WHERE time_min <= 2457850.5 AND time_max >= 2457840.5",
    "SELECT TOP 10 granule_uid, target_name FROM illu67p.epn_core",
    "SELECT TOP 10 granule_uid, target_name FROM transplanet.epn_core",
    "SELECT COUNT(*) AS n FROM amdadb.epn_core WHERE target_name = 'Jupiter'",
)


def loopback(url):
    """Returns url after checking that it names the loopback interface (raises ValueError otherwise)."""
    host = urllib.parse.urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the reliability suite only talks to loopback, not {host!r}")
    return url


@dataclass
class Outcome:
    """One request: ``kind``, ``status`` (None: broken connection or timeout),
    ``seconds``, ``ok`` (the answer is right for its kind), ``at`` (monotonic
    time of the answer), ``note`` (what went wrong)."""

    kind: str
    status: int | None
    seconds: float
    ok: bool
    at: float
    note: str = ""

    @property
    def server_error(self):
        """True for a 5xx answer or a broken connection."""
        return self.status is None or self.status >= 500


def fetch(session, kind, method, url, check, **kwargs):
    """Returns the Outcome of one request; ``check(response)`` returns "" when
    the answer is right, else what is wrong with it."""
    loopback(url)
    started = time.monotonic()
    try:
        response = session.request(method, url, timeout=REQUEST_TIMEOUT, **kwargs)
        content = response.content
    except requests.RequestException as error:
        now = time.monotonic()
        return Outcome(kind, None, now - started, False, now, f"{type(error).__name__}: {error}"[:200])
    now = time.monotonic()
    note = check(response) if response.status_code < 400 else \
        f"HTTP {response.status_code}: {content[:160]!r}"
    return Outcome(kind, response.status_code, now - started, not note, now, note)


def _votable_ok(response):
    text = response.text
    if "QUERY_STATUS" in text and 'value="ERROR"' in text:
        message = text.split('value="ERROR"', 1)[1].split(">", 1)[-1].split("<", 1)[0]
        return f"VOTable with QUERY_STATUS ERROR: {message.strip()[:200]}"
    return "" if "<VOTABLE" in text and "</VOTABLE>" in text else "not a complete VOTable"


def _random_interval(rng):
    """Returns (START, STOP) ISO texts of a few seconds inside the granule's records."""
    first = np.datetime64(GRANULE_SPAN[0])
    start = first + np.timedelta64(int(rng.uniform(0, 120) * 1000), "ms")
    stop = start + np.timedelta64(int(rng.uniform(1, 8) * 1000), "ms")
    return str(start) + "Z", str(stop) + "Z"


def tap_sync(session, server, rng):
    """A synchronous ADQL query on one of the three tables."""
    query = rng.choice(SYNC_QUERIES)
    return fetch(session, "TAP sync", "POST", server + "/tap/sync", _votable_ok,
                 data={"REQUEST": "doQuery", "LANG": "ADQL", "QUERY": query})


def tap_async(session, server, rng, budget=90):
    """An asynchronous ADQL job as TOPCAT runs it: create, run, wait, read, delete.
    Its Outcome covers the whole job; the first bad step ends it."""
    started = time.monotonic()
    base = loopback(server + "/tap/async")
    query = rng.choice(SYNC_QUERIES)

    def failed(status, note):
        now = time.monotonic()
        return Outcome("TAP async", status, now - started, False, now, note[:200])

    try:
        created = session.post(base, data={"REQUEST": "doQuery", "LANG": "ADQL", "QUERY": query},
                               allow_redirects=False, timeout=REQUEST_TIMEOUT)
        if created.status_code != 303:
            return failed(created.status_code, f"job creation: HTTP {created.status_code}")
        job = created.headers["Location"]
        job = server + urllib.parse.urlsplit(job).path
        run = session.post(job + "/phase", data={"PHASE": "RUN"}, allow_redirects=False,
                           timeout=REQUEST_TIMEOUT)
        if run.status_code >= 400:
            return failed(run.status_code, f"job start: HTTP {run.status_code}")
        phase = ""
        while time.monotonic() - started < budget:
            answer = session.get(job, params={"WAIT": "5"}, timeout=REQUEST_TIMEOUT)
            if answer.status_code >= 400:
                return failed(answer.status_code, f"job poll: HTTP {answer.status_code}")
            answer = session.get(job + "/phase", timeout=REQUEST_TIMEOUT)
            if answer.status_code >= 400:
                return failed(answer.status_code, f"job phase: HTTP {answer.status_code}")
            phase = answer.text.strip()
            if phase in ("COMPLETED", "ERROR", "ABORTED"):
                break
        if phase != "COMPLETED":
            return failed(200, f"job ended in phase {phase or 'none'} after {budget} s")
        result = session.get(job + "/results/result", timeout=REQUEST_TIMEOUT)
        if result.status_code >= 400:
            return failed(result.status_code, f"job result: HTTP {result.status_code}")
        note = _votable_ok(result)
        deleted = session.post(job, data={"ACTION": "DELETE"}, allow_redirects=False,
                               timeout=REQUEST_TIMEOUT)
        if deleted.status_code >= 400:
            return failed(deleted.status_code, f"job deletion: HTTP {deleted.status_code}")
    except (requests.RequestException, KeyError) as error:
        return failed(None, f"{type(error).__name__}: {error}")
    now = time.monotonic()
    return Outcome("TAP async", 200, now - started, not note, now, note)


def _slice_checker(fmt):
    def check(response):
        body = response.content
        if fmt == "CDF_ISTP":
            return "" if body.startswith(CDF_MAGIC) else "not a CDF file"
        if fmt == "VOTable":
            return "" if b"</VOTABLE>" in body[-200:] else "not a complete VOTable"
        return "" if body.startswith(b"# Dataset:") and b"# Records:" in body else "not the ASCII slice"
    return check


def datalink_slice(kind, fmt):
    """Returns a request function (its Outcomes of ``kind``) for a DataLink #proc
    slice of a few seconds in format ``fmt``."""
    def request(session, server, rng):
        start, stop = _random_interval(rng)
        return fetch(session, kind, "GET", server + "/amdadb/q/dl/dlget",
                     _slice_checker(fmt), params={"ID": DID, "FORMAT": fmt, "START": start, "STOP": stop})
    return request


OAI = "{http://www.openarchives.org/OAI/2.0/}"


def _oai_ok(response):
    try:
        root = etree.fromstring(response.content)
    except etree.XMLSyntaxError as error:
        return f"not XML: {error}"
    if root.tag != OAI + "OAI-PMH":
        return f"not an OAI-PMH answer: <{root.tag}>"
    error = root.find(OAI + "error")
    return "" if error is None else f"OAI-PMH error {error.get('code')}"


def oai(session, server, rng):
    """An OAI-PMH request of the publishing registry (Identify, ListIdentifiers, ListRecords)."""
    params = rng.choice(({"verb": "Identify"},
                         {"verb": "ListIdentifiers", "metadataPrefix": "ivo_vor"},
                         {"verb": "ListRecords", "metadataPrefix": "oai_dc"}))
    return fetch(session, "OAI-PMH", "GET", server + "/oai.xml", _oai_ok, params=params)


def _hapi_ok(response):
    if response.headers.get("content-type", "").startswith("application/json"):
        status = response.json().get("status", {})
        return "" if status.get("code") == 1200 else f"HAPI status {status}"
    return "" if response.text.strip() else "empty HAPI data"


def hapi(session, server, rng):
    """A HAPI request (<server>/hapi): catalog, info or a few seconds of data of the granule's dataset."""
    dataset = GRANULE.rpartition("_")[0]
    start, stop = _random_interval(rng)
    path, params = rng.choice((("catalog", {}), ("info", {"id": dataset}),
                               ("data", {"id": dataset, "time.min": start, "time.max": stop})))
    return fetch(session, "HAPI", "GET", f"{server}/hapi/{path}", _hapi_ok, params=params)


#: The kinds of the load test, in the order of the report.
KINDS = {
    "TAP sync": tap_sync,
    "TAP async": tap_async,
    "DataLink ASCII": datalink_slice("DataLink ASCII", "ASCII"),
    "DataLink VOTable": datalink_slice("DataLink VOTable", "VOTable"),
    "DataLink CDF": datalink_slice("DataLink CDF", "CDF_ISTP"),
    "OAI-PMH": oai,
    "HAPI": hapi,
}


def client_loop(kind, server, until, max_requests, seed, out, crashes):
    """Sends requests of ``kind`` one after the other until the monotonic time
    ``until`` or ``max_requests``; appends each Outcome to the list ``out``, and
    to ``crashes`` the text of an exception that ended the loop."""
    rng = random.Random(seed)
    request = KINDS[kind]
    try:
        with requests.Session() as session:
            for _ in range(max_requests):
                if time.monotonic() >= until:
                    break
                out.append(request(session, server, rng))
    except Exception as error:  # a fault of the client: the test reports it
        crashes.append(f"{kind} client {seed}: {type(error).__name__}: {error}")


def percentiles(outcomes):
    """Returns (p50, p99) of the outcomes' latencies in milliseconds (NaN if none)."""
    if not outcomes:
        return float("nan"), float("nan")
    p50, p99 = np.percentile([o.seconds for o in outcomes], [50, 99])
    return p50 * 1000, p99 * 1000


def _pids(matches):
    """Returns the pids of the processes whose argv (a list of bytes) ``matches``, from /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if matches(argv):
            pids.append(int(entry.name))
    return sorted(pids)


def dachs_server_pids():
    """Returns the pids of the running DaCHS web servers (``dachs serve start``)."""
    return _pids(lambda argv: any(os.path.basename(a) in (b"dachs", b"gavo") for a in argv[:2])
                 and b"serve" in argv and b"start" in argv)


def hapi_server_pids():
    """Returns the pids of the running HAPI server (``python -m hapi serve``: its master and workers)."""
    return _pids(lambda argv: argv[1:4] == [b"-m", b"hapi", b"serve"])


def rss_bytes(pids):
    """Returns the summed resident set size of the processes ``pids`` (those gone count 0)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total
