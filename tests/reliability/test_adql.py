"""ADQL that tries to escape TAP (server functions, files, other statements,
comments, over-long texts, results past the row limit): refused or bounded,
and the server keeps serving."""

import re
import time

import pytest
import requests

import traffic

#: Queries TAP must refuse: (what they try, ADQL).
REFUSED = (
    ("pg_sleep", "SELECT pg_sleep(30) FROM amdadb.epn_core"),
    ("pg_sleep in WHERE", "SELECT TOP 1 granule_uid FROM amdadb.epn_core WHERE pg_sleep(30) IS NULL"),
    ("pg_read_file", "SELECT TOP 1 pg_read_file('/etc/passwd') FROM amdadb.epn_core"),
    ("pg_read_binary_file", "SELECT TOP 1 pg_read_binary_file('/etc/shadow') AS f FROM amdadb.epn_core"),
    ("pg_ls_dir", "SELECT TOP 1 pg_ls_dir('/') FROM amdadb.epn_core"),
    ("lo_import", "SELECT lo_import('/etc/passwd')"),
    ("lo_import in FROM", "SELECT * FROM lo_import('/etc/passwd') AS x"),
    ("COPY TO", "COPY amdadb.epn_core TO '/tmp/epn_core.csv'"),
    ("COPY FROM PROGRAM", "COPY amdadb.granules FROM PROGRAM 'id'"),
    ("dblink", "SELECT TOP 1 * FROM dblink('dbname=gavo', 'SELECT 1') AS t(a int)"),
    ("dblink_exec", "SELECT dblink_exec('dbname=gavo', 'DROP TABLE amdadb.granules')"),
    ("semicolon, second statement", "SELECT TOP 1 granule_uid FROM amdadb.epn_core; DROP TABLE amdadb.granules"),
    ("semicolon, pg_sleep", "SELECT TOP 1 granule_uid FROM amdadb.epn_core; SELECT pg_sleep(30)"),
    ("block comment", "SELECT TOP 1 granule_uid /* ; DROP TABLE amdadb.granules */ FROM amdadb.epn_core"),
    ("quote breaking", "SELECT TOP 1 granule_uid FROM amdadb.epn_core WHERE granule_uid = 'x'; DELETE FROM amdadb.granules; --'"),
    ("current_setting", "SELECT TOP 1 current_setting('data_directory') FROM amdadb.epn_core"),
    ("set_config", "SELECT TOP 1 set_config('statement_timeout', '0', false) FROM amdadb.epn_core"),
    ("system table", "SELECT * FROM pg_catalog.pg_authid"),
    ("pg_shadow", "SELECT usename, passwd FROM pg_shadow"),
    ("restricted table", "SELECT * FROM amdadb.epn_core_restricted"),
    ("raw granules table", "SELECT * FROM amdadb.granules"),
    ("DaCHS products table", "SELECT * FROM dc.products"),
    ("INSERT", "INSERT INTO amdadb.granules (granule_uid) VALUES ('x')"),
    ("UPDATE", "UPDATE amdadb.epn_core SET target_name = 'x'"),
    ("CREATE FUNCTION", "CREATE FUNCTION f() RETURNS int AS 'SELECT 1' LANGUAGE sql"),
    ("deep nesting", "SELECT TOP 1 granule_uid FROM amdadb.epn_core WHERE " + "(" * 600 + "1=1" + ")" * 600),
)

#: Queries that may run but must end within the time and row limits: (what, ADQL, MAXREC or None).
BOUNDED = (
    ("line comment hiding a statement", "SELECT TOP 1 granule_uid FROM amdadb.epn_core -- ; DROP TABLE amdadb.granules", None),
    ("cross join past the row limit", "SELECT a.granule_uid FROM amdadb.epn_core AS a, amdadb.epn_core AS b", None),
    ("MAXREC=100", "SELECT granule_uid FROM amdadb.epn_core", "100"),
    ("400 kB literal", "SELECT TOP 1 granule_uid FROM amdadb.epn_core WHERE granule_uid = '" + "x" * 400_000 + "'", None),
    ("1,000 ORs", "SELECT TOP 1 granule_uid FROM amdadb.epn_core WHERE "
     + " OR ".join(f"granule_uid = 'x{i}'" for i in range(1000)), None),
)

#: Seconds any of these may take (DaCHS's synchronous TAP limit is about a minute).
LIMIT_SECONDS = 90
STATUS = re.compile(rb'<INFO name="QUERY_STATUS" value="([A-Z]+)"[^>]*>([^<]{0,300})')


def ask(session, server, query, maxrec=None):
    """Returns (HTTP status, [(QUERY_STATUS value, text)], number of TR rows, seconds, bytes)."""
    data = {"REQUEST": "doQuery", "LANG": "ADQL", "QUERY": query, "FORMAT": "votable/td"}
    if maxrec:
        data["MAXREC"] = maxrec
    started = time.monotonic()
    try:
        answer = session.post(traffic.loopback(server + "/tap/sync"), data=data, timeout=LIMIT_SECONDS + 30)
    except requests.RequestException as error:
        return None, [(b"BROKEN", str(error).encode())], 0, time.monotonic() - started, 0
    body = answer.content
    return (answer.status_code, STATUS.findall(body), body.count(b"<TR>"),
            time.monotonic() - started, len(body))


def serving(session, server):
    """Returns True if a simple query answers its one row."""
    status, infos, rows, _, _ = ask(session, server, "SELECT TOP 1 granule_uid FROM amdadb.epn_core")
    return status == 200 and rows == 1 and not any(v == b"ERROR" for v, _ in infos)


@pytest.mark.integration
def test_escapes_are_refused(server, report):
    problems = []
    with requests.Session() as session:
        for what, query in REFUSED:
            status, infos, rows, seconds, _ = ask(session, server, query)
            refused = status is not None and status < 500 and any(v == b"ERROR" for v, _ in infos)
            if not refused or rows or seconds > 10:
                problems.append(f"{what}: HTTP {status}, {infos[:1]}, {rows} rows, {seconds:.1f} s")
            if not serving(session, server):
                problems.append(f"after {what}: the server does not answer a simple query")
        granules = ask(session, server, "SELECT COUNT(*) AS n FROM amdadb.epn_core")
    assert granules[0] == 200 and granules[2] == 1
    report("hostile input", "ADQL escaping TAP (pg_sleep, pg_read_file, lo_import, COPY, dblink,"
           " semicolons, comments, system tables)", len(REFUSED), f"{len(REFUSED) - len(problems)} refused",
           not problems)
    assert not problems, "\n".join(problems)


@pytest.mark.integration
def test_big_queries_are_bounded(server, report):
    problems, figures = [], []
    with requests.Session() as session:
        for what, query, maxrec in BOUNDED:
            status, infos, rows, seconds, size = ask(session, server, query, maxrec)
            values = [v for v, _ in infos]
            if status is None or status >= 500 or seconds > LIMIT_SECONDS:
                problems.append(f"{what}: HTTP {status}, {infos[:2]}, {seconds:.1f} s")
            elif b"ERROR" not in values and b"OK" not in values:
                problems.append(f"{what}: no QUERY_STATUS: HTTP {status}")
            if maxrec == "100" and (rows != 100 or b"OVERFLOW" not in values):
                problems.append(f"{what}: {rows} rows, {values}")
            if "cross join" in what and b"OVERFLOW" not in values and b"ERROR" not in values:
                problems.append(f"{what}: {rows} rows without OVERFLOW or ERROR")
            figures.append(f"{what} {rows:,} rows {seconds:.1f} s")
            if not serving(session, server):
                problems.append(f"after {what}: the server does not answer a simple query")
        too_long = "SELECT TOP 1 granule_uid FROM amdadb.epn_core WHERE granule_uid = '" + "x" * 2_000_000 + "'"
        status, infos, _, seconds, _ = ask(session, server, too_long)
        if status is None or status >= 500 or status < 400:
            problems.append(f"2 MB query: HTTP {status}, {infos[:1]}")
        figures.append(f"2 MB query HTTP {status} {seconds:.1f} s")
        if not serving(session, server):
            problems.append("after the 2 MB query: the server does not answer a simple query")
    report("hostile input", "ADQL past the row limit, over-long texts", len(BOUNDED) + 1,
           "; ".join(figures), not problems)
    assert not problems, "\n".join(problems)
