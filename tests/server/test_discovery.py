"""Discovery queries of amdadb.epn_core answered from its datasets (instance.discovery).

Each query goes through the server's TAP (which rewrites it) and is compared
with the VOTable DaCHS writes for it in this process, where nothing is
rewritten, on the epn_core view itself: same fields, same table metadata,
same rows.  The sample holds a restricted dataset, whose granules must
count nowhere; the comparison is made again after an incremental ingest
changed one dataset, and once more after the sample was loaded back.
"""

import importlib.util
import io
import shutil
import subprocess
import sys
from collections import Counter

import numpy
import pytest

from instance.settings import REPO

pytestmark = pytest.mark.integration

SAMPLE = REPO / "resources" / "amdadb" / "data"
RESTRICTED = "so-pas-momgr1"
CHANGED = SAMPLE / "spase" / "NumericalData" / "CDPP-AMDA" / "ACE" / "MFI" / "ace-mag-real.xml"


def _bench_queries():
    spec = importlib.util.spec_from_file_location("bench_queries", REPO / "bench" / "queries.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: Queries answered from the datasets: the benchmark's discovery queries and others
#: of the same kinds.
REWRITTEN = {
    **_bench_queries().DISCOVERY,
    "no match": "SELECT COUNT(*) FROM amdadb.epn_core WHERE dataproduct_type = 'none'",
    "per target": "SELECT target_name, COUNT(*) AS n FROM amdadb.epn_core"
                  " GROUP BY target_name HAVING COUNT(*) > 100 ORDER BY n DESC",
    "aliased": "SELECT e.instrument_host_name, MIN(e.time_min) AS t0, MAX(e.time_max) AS t1,"
               " COUNT(*) FROM amdadb.epn_core AS e WHERE e.target_class LIKE '%planet%'"
               " GROUP BY e.instrument_host_name",
    "dataset columns": "SELECT COUNT(DISTINCT target_name) AS targets, MIN(processing_level)"
                       " AS lowest, MAX(modification_date) AS latest FROM amdadb.epn_core",
    "grouped": "SELECT dataproduct_type FROM amdadb.epn_core GROUP BY dataproduct_type",
}
#: Queries that need the granules: sent as DaCHS writes them.
UNCHANGED = {
    "time condition": "SELECT COUNT(*) FROM amdadb.epn_core WHERE time_min > 2458000",
    "average": "SELECT AVG(time_min) FROM amdadb.epn_core",
    "granule column": "SELECT DISTINCT access_format FROM amdadb.epn_core",
    "count of a column": "SELECT COUNT(processing_level) FROM amdadb.epn_core",
    "max of time_min": "SELECT granule_gid, MAX(time_min) FROM amdadb.epn_core GROUP BY granule_gid",
    "rows": "SELECT TOP 5 target_name FROM amdadb.epn_core",
    "subquery": "SELECT DISTINCT target_name FROM amdadb.epn_core WHERE granule_gid IN"
                " (SELECT granule_gid FROM amdadb.epn_core WHERE time_min > 2458000)",
}


def _value(value):
    if numpy.ma.is_masked(value):
        return None
    if isinstance(value, numpy.generic):
        return value.item()
    if isinstance(value, bytes):
        return value.decode()
    return value


def _described(votable_bytes):
    """Return (fields, infos, rows) of a VOTable: fields as tuples of their attributes
    (made-up names of unnamed columns left out), the resource's INFOs but sql_query
    and QUERY_STATUS (which TAP sync adds), rows as a multiset."""
    from astropy.io.votable import parse

    document = parse(io.BytesIO(votable_bytes))
    resource = document.resources[0]
    table = resource.tables[0]
    fields = [(None if f.name.startswith("nd") and f.name == f.ID else f.name,
               f.datatype, f.arraysize, f.ucd, f.unit and str(f.unit), f.utype, f.xtype,
               f.description) for f in table.fields]
    infos = sorted((i.name, i.value, i.content) for i in resource.infos
                   if i.name not in ("sql_query", "QUERY_STATUS"))
    rows = Counter(tuple(_value(v) for v in row) for row in table.array)
    return fields, infos, rows


def _sql_query(votable_bytes):
    from astropy.io.votable import parse
    resource = parse(io.BytesIO(votable_bytes)).resources[0]
    return next(i.value for i in resource.infos if i.name == "sql_query")


def _through_tap(server, query):
    import requests
    answer = requests.post(f"{server}/tap/sync", timeout=120, data={
        "REQUEST": "doQuery", "LANG": "ADQL", "QUERY": query, "MAXREC": "20000"})
    assert answer.status_code == 200, answer.text[:500]
    assert b'name="QUERY_STATUS" value="OK"' in answer.content, answer.text[:500]
    return answer.content


def _in_process(query):
    """Return the VOTable DaCHS writes for ``query`` in this process (nothing rewritten)."""
    from gavo import api, base, rsc  # noqa: F401
    from gavo.protocols import adqlglue, taprunner

    from instance import discovery
    assert not getattr(adqlglue.adql.morphPG, "discovery", False)
    conn = base.getDBConnection("untrustedquery")
    try:
        table = adqlglue.runTAPQuery(query, 60, conn, [], 20000)
        out = io.BytesIO()
        taprunner.writeResultTo("votable", rsc.wrapTable(table), out)
    finally:
        conn.close()
    assert discovery.VIEW in query
    return out.getvalue()


def check_all(server):
    """Compare every query through TAP with the same in this process; return the
    server's answers by name."""
    answers = {}
    for name, query in {**REWRITTEN, **UNCHANGED}.items():
        served = _through_tap(server, query)
        expected = _described(_in_process(query))
        got = _described(served)
        assert got[0] == expected[0], f"{name}: fields differ"
        assert got[1] == expected[1], f"{name}: INFOs differ"
        assert got[2] == expected[2], f"{name}: rows differ"
        rewritten = "public_datasets" in _sql_query(served)
        assert rewritten == (name in REWRITTEN), f"{name}: {_sql_query(served)}"
        answers[name] = got[2]
    return answers


def _ingest(spase):
    result = subprocess.run([sys.executable, "-m", "ingest", "amdadb", "--spase", str(spase),
                             "--data", str(SAMPLE / "cdf")], cwd=REPO, capture_output=True,
                            text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_discovery_queries_match_a_scan_of_the_view(server, tmp_path):
    answers = check_all(server)
    per_dataset = answers["per dataset (TOPCAT)"]
    assert RESTRICTED not in {row[0] for row in per_dataset}
    assert sum(row[1] for row in per_dataset) == next(iter(answers["count all (VESPA)"]))[0]

    changed = tmp_path / "spase"
    shutil.copytree(SAMPLE / "spase", changed)
    record = changed / CHANGED.relative_to(SAMPLE / "spase")
    text = record.read_text(encoding="utf-8")
    assert "<StopDate>2025-10-17T07:59:59Z</StopDate>" in text
    record.write_text(text.replace("<StopDate>2025-10-17T07:59:59Z</StopDate>",
                                   "<StopDate>2025-10-27T07:59:59Z</StopDate>"), encoding="utf-8")
    try:
        _ingest(changed)
        after = check_all(server)
        assert after["count all (VESPA)"] != answers["count all (VESPA)"]
        grown = {row[0]: row for row in after["per dataset (TOPCAT)"]}["ace-mag-real"]
        before = {row[0]: row for row in per_dataset}["ace-mag-real"]
        assert grown[1] == before[1] + 10 and grown[3] > before[3]
    finally:
        out = _ingest(SAMPLE / "spase")
    assert "1 changed and 0 removed" in out or "full rebuild" in out, out
    assert check_all(server) == answers


def test_refused_queries_keep_their_sql():
    """The rewrite leaves queries it cannot answer from the datasets alone as they are."""
    from gavo import adql, api  # noqa: F401
    from gavo.protocols import adqlglue

    from instance import discovery
    for name, query in UNCHANGED.items():
        _, tree = adql.parseAnnotating(query, adqlglue.DaCHSFieldInfoGetter())
        assert discovery.plan(tree) is None, name
    for name, query in REWRITTEN.items():
        _, tree = adql.parseAnnotating(query, adqlglue.DaCHSFieldInfoGetter())
        assert discovery.plan(tree) is not None, name
