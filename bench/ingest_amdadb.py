"""Benchmark of the amdadb ingest and of EPN-TAP queries on the full table.

In one run on this machine:

* end-to-end ingest of the shared SPASE sample (419 records, 2.5 M daily
  granules) with ``python -m ingest amdadb --full``: parsing, mapping, COPY,
  indexes, ANALYZE and the swap of the tables behind the ``amdadb.epn_core``
  view; granules/s and the command's peak resident memory (targets:
  >= 100,000 granules/s, < 1 GB);
* DaCHS's plain rowmaker import of the same rows (an embedded grammar
  yielding the granule dicts, ``--dachs-rows`` of them, into a scratch
  schema), rows/s, and the ratio of the two rates;
* an incremental update after one record's StopDate moved ten days;
* the median and 95th percentile latency of VESPA/TOPCAT-style ADQL queries
  on the 2.5 M-row table through TAP sync, against the server's floor
  (``SELECT TOP 1 * FROM tap_schema.tables``), alone and with 8 concurrent
  clients (target: medians within 2x the floor), with the time DaCHS's ADQL
  parser alone takes on each query text, the time the database takes for
  the SQL DaCHS sends for it, on a new connection as each TAP request does,
  and the time DaCHS takes for the whole query in one process, from the ADQL
  text to the VOTable (what the request costs beyond its HTTP and UWS parts).
  Floor and queries alternate: each round sends the floor by every client at
  once, then each query by every client, so that both share whatever else the
  machine does during the run.

The published tables hold the 2.5 M granules during the run; the bundled
sample is loaded back at the end.  Needs the running instance (``make serve``).
Prints the figures and writes them to bench/results/ingest_amdadb.json.

Run it as ``/opt/cdpp-epntap/venv/bin/python bench/ingest_amdadb.py``.
"""

import argparse
import concurrent.futures
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from instance import settings as project_settings  # noqa: E402

SHARED_SPASE = REPO.parent / "shared" / "data" / "spase"
SAMPLE = REPO / "resources" / "amdadb" / "data"
from queries import FLOOR, SELECTIVE as QUERIES  # noqa: E402

DACHS_RD = """<resource schema="{schema}" resdir="{resdir}">
  <table id="epn_core" onDisk="True">
    <mixin spatial_frame_type="none" optional_columns="access_url access_format
      access_estsize thumbnail_url datalink_url external_link publisher bib_reference
      instrument_type time_scale target_region species file_name processing_level_desc
      spatial_coordinate_description">//epntap2#table-2_0</mixin>
  </table>
  <data id="import">
    <sources item="granules"/>
    <embeddedGrammar>
      <iterator>
        <code>
          import itertools
          from ingest import amdadb
          yield from itertools.islice(amdadb.granules("{spase}"), {rows})
        </code>
      </iterator>
    </embeddedGrammar>
    <make table="epn_core"><rowmaker idmaps="*"/></make>
  </data>
</resource>"""


def _tree_rss_mb(root):
    """Return the summed resident memory (MB) of process ``root`` and its descendants."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, grown = {root}, True
    while grown:
        grown = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grown = True
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def run_ingest(args):
    """Run the operators' command; return (seconds, peak resident memory in MB of the
    command and its COPY workers together, its output)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ingest", "amdadb"] + args, cwd=REPO,
                                stdout=out, stderr=subprocess.STDOUT, text=True)
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, _tree_rss_mb(proc.pid))
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        out.seek(0)
        output = out.read()
    if proc.returncode != 0:
        sys.exit(f"ingest failed:\n{output}")
    return elapsed, peak, output


def dachs_rowmaker_rate(rows):
    """Import ``rows`` granules with a DaCHS rowmaker into a scratch schema; return rows/s."""
    from gavo import api, base, rscdesc

    schema = f"cdpp_bench_{os.getpid()}"
    rd = base.parseFromString(rscdesc.RD, DACHS_RD.format(
        schema=schema, resdir=tempfile.gettempdir(), spase=SHARED_SPASE, rows=rows))
    rd.sourceId = f"{schema}/q"
    conn = base.getDBConnection("admin")
    try:
        conn.cursor().execute(f"CREATE SCHEMA {schema}")
        conn.commit()
        started = time.perf_counter()
        api.makeData(rd.getById("import"), connection=conn)
        conn.commit()
        elapsed = time.perf_counter() - started
        cur = conn.cursor()
        cur.execute(f"SELECT count(*) FROM {schema}.epn_core")
        count = cur.fetchone()[0]
    finally:
        conn.rollback()
        cur = conn.cursor()
        cur.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        cur.execute("DELETE FROM dc.tablemeta WHERE tablename LIKE %s", (schema + ".%",))
        conn.commit()
        conn.close()
    return count / elapsed, count


def incremental_seconds():
    """Move one record's StopDate by ten days and run the incremental update; return seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "spase"
        shutil.copytree(SHARED_SPASE, tree)
        record = tree / "NumericalData" / "CDPP-AMDA" / "ACE" / "MFI" / "ace-mag-real.xml"
        text = record.read_text(encoding="utf-8")
        record.write_text(text.replace("<StopDate>2025-10-17T07:59:59Z</StopDate>",
                                       "<StopDate>2025-10-27T07:59:59Z</StopDate>"),
                          encoding="utf-8")
        elapsed, _, out = run_ingest(["--spase", str(tree)])
    if "1 changed and 0 removed" not in out:
        sys.exit(f"incremental update did not rewrite exactly one dataset:\n{out}")
    return elapsed


def tap_sync(server, query):
    """Run one ADQL query through TAP sync; return (latency in seconds, error message or None)."""
    body = urllib.parse.urlencode({"REQUEST": "doQuery", "LANG": "ADQL", "QUERY": query,
                                   "MAXREC": "1000"}).encode()
    for attempt in range(3):
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{server}/tap/sync", data=body, timeout=120) as response:
                payload = response.read()
            break
        except urllib.error.HTTPError as exc:
            payload = exc.read()
            break
        except (ConnectionError, urllib.error.URLError) as exc:
            # The server went away (restarted): wait for it and measure again.
            if attempt == 2:
                raise
            print(f"  ({exc}; retrying)", flush=True)
            time.sleep(5)
    elapsed = time.perf_counter() - started
    if b'QUERY_STATUS" value="ERROR' in payload:
        message = payload.split(b'value="ERROR">', 1)[1].split(b"<", 1)[0]
        return elapsed, message.decode("utf-8", "replace")
    return elapsed, None


def latencies(server, queries, clients, errors):
    """Return {name: [seconds]} of the successful runs of each query, run once by each of
    ``clients`` clients at the same time; failed runs are counted in ``errors``
    {message: count}."""
    jobs = [(name, sql) for _ in range(clients) for name, sql in queries.items()]
    results = {name: [] for name in queries}
    with concurrent.futures.ThreadPoolExecutor(max_workers=clients) as pool:
        for name, (seconds, error) in zip([j[0] for j in jobs],
                                          pool.map(lambda job: tap_sync(server, job[1]), jobs)):
            if error is None:
                results[name].append(seconds)
            else:
                errors[error] = errors.get(error, 0) + 1
    return results


def parse_ms(query, repeats=5):
    """Return the median time (ms) DaCHS takes to parse ``query`` (its ADQL grammar, in
    this process): a part of each TAP request that the floor query hardly pays."""
    from gavo import adql

    adql.parseToTree(query)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        adql.parseToTree(query)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _median_ms_on_new_connections(work, repeats):
    """Return the median time (ms) of ``work(connection)``, each run on a new connection
    of DaCHS's TAP role as each TAP request gets (the connection itself not counted),
    the first run left out."""
    from gavo import api, base  # noqa: F401 (api sets DaCHS's caches up)

    times = []
    for _ in range(repeats + 1):
        conn = base.getDBConnection("untrustedquery")
        try:
            started = time.perf_counter()
            work(conn)
            times.append(time.perf_counter() - started)
        finally:
            conn.close()
    return statistics.median(times[1:]) * 1000


def database_ms(query, repeats=5):
    """Return the median time (ms) the database takes for ``query`` as DaCHS sends it: the
    SQL DaCHS translates it to, declared as a cursor and fetched on a new connection."""
    from gavo import api  # noqa: F401 (api sets DaCHS's caches up)
    from gavo.protocols import adqlglue

    sql = adqlglue.morphADQL(query, maxrec=1000)[0].replace("%%", "%")

    def fetch(conn):
        cur = conn.cursor()
        cur.execute("SET cursor_tuple_fraction = 1")
        cur.execute(f"DECLARE bench CURSOR FOR {sql}")
        cur.execute("FETCH ALL FROM bench")
        cur.fetchall()

    return _median_ms_on_new_connections(fetch, repeats)


def in_dachs_ms(query, repeats=5):
    """Return the median time (ms) DaCHS takes for ``query`` in this process, from the ADQL
    text to the result VOTable (parse, metadata, database, VOTable writing) on a new
    connection: the TAP request without its HTTP and UWS parts, which are the same for
    every query."""
    from gavo import rsc
    from gavo.protocols import adqlglue, taprunner

    def answer(conn):
        table = adqlglue.runTAPQuery(query, 60, conn, [], 1000)
        taprunner.writeResultTo("votable", rsc.wrapTable(table), io.BytesIO())

    return _median_ms_on_new_connections(answer, repeats)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dachs-rows", type=int, default=50000,
                        help="granules imported through the DaCHS rowmaker (default 50000)")
    parser.add_argument("--repeats", type=int, default=30,
                        help="rounds of the queries, each query run once by each client"
                             " per round (default 30)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    settings = project_settings.load()
    server = settings["CDPP_SERVER_URL"].rstrip("/")
    figures = {}

    try:
        measure(args, server, figures)
    finally:
        print("== loading the bundled sample back")
        run_ingest(["--spase", str(SAMPLE / "spase"), "--data", str(SAMPLE / "cdf"), "--full"])

    results = REPO / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "ingest_amdadb.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")
    print(f"figures written to {results / 'ingest_amdadb.json'}")


def measure(args, server, figures):
    """Run the measurements, printing them and adding them to ``figures``."""
    print("== ingest of the shared sample (2.5 M granules), full rebuild and swap")
    seconds, peak_mb, out = run_ingest(["--spase", str(SHARED_SPASE), "--full"])
    granules = int(out.split("loaded: full rebuild, ")[1].split(" public")[0].replace(",", ""))
    restricted = int(out.split(" public and ")[1].split(" restricted")[0].replace(",", ""))
    rate = (granules + restricted) / seconds
    figures["ingest"] = {"granules": granules + restricted, "seconds": round(seconds, 1),
                         "granules_per_s": round(rate), "peak_rss_mb": round(peak_mb)}
    print(f"{granules + restricted:,} granules in {seconds:.1f} s: {rate:,.0f} granules/s "
          f"(target 100,000: {rate / 1e5:.2f}x); peak memory {peak_mb:,.0f} MB (target < 1024 MB)")
    print("  " + out.strip().splitlines()[-1])

    print(f"== DaCHS rowmaker import of {args.dachs_rows:,} of the same rows")
    dachs_rate, dachs_count = dachs_rowmaker_rate(args.dachs_rows)
    figures["dachs_rowmaker"] = {"rows": dachs_count, "rows_per_s": round(dachs_rate)}
    print(f"{dachs_rate:,.0f} rows/s; the ingest is {rate / dachs_rate:.1f}x faster")

    print("== incremental update (one record's StopDate moved by ten days)")
    inc = incremental_seconds()
    figures["incremental_seconds"] = round(inc, 1)
    print(f"{inc:.1f} s, parsing and mapping all 419 records included")

    for clients in (1, 8):
        print(f"== TAP sync latency, {clients} client{'s' if clients > 1 else ''}, "
              f"{args.repeats} runs of each query per client")
        errors = {}
        floor, measured = [], {name: [] for name in QUERIES}
        for round_ in range(args.repeats + 1):
            floor_runs = latencies(server, {"floor": FLOOR}, clients, errors)["floor"]
            query_runs = latencies(server, QUERIES, clients, errors)
            if round_ == 0:
                errors.clear()  # the first round warms the caches up
                continue
            floor += floor_runs
            for name, values in query_runs.items():
                measured[name] += values
        floor_median = statistics.median(floor)
        everyone = {"floor": FLOOR, **QUERIES}
        parse = {name: parse_ms(sql) for name, sql in everyone.items()}
        database = {name: database_ms(sql) for name, sql in everyone.items()}
        in_dachs = {name: in_dachs_ms(sql) for name, sql in everyone.items()}
        rows = {"floor": {"median_ms": round(floor_median * 1000, 1),
                          "p95_ms": round(percentile(floor, 0.95) * 1000, 1),
                          "adql_parse_ms": round(parse["floor"], 1),
                          "database_ms": round(database["floor"], 1),
                          "in_dachs_ms": round(in_dachs["floor"], 1)}}
        print(f"{'floor (' + FLOOR + ')':<45} median {floor_median * 1000:7.1f} ms  "
              f"p95 {percentile(floor, 0.95) * 1000:7.1f} ms               "
              f"(ADQL parse {parse['floor']:4.1f} ms, database {database['floor']:4.1f} ms,"
              f" all in DaCHS {in_dachs['floor']:5.1f} ms)")
        for name, values in measured.items():
            median = statistics.median(values)
            rows[name] = {"median_ms": round(median * 1000, 1),
                          "p95_ms": round(percentile(values, 0.95) * 1000, 1),
                          "median_over_floor": round(median / floor_median, 2),
                          "adql_parse_ms": round(parse[name], 1),
                          "database_ms": round(database[name], 1),
                          "in_dachs_ms": round(in_dachs[name], 1)}
            print(f"{name:<45} median {median * 1000:7.1f} ms  p95 "
                  f"{percentile(values, 0.95) * 1000:7.1f} ms  {median / floor_median:5.2f}x floor"
                  f"  (ADQL parse {parse[name]:4.1f} ms, database {database[name]:4.1f} ms,"
                  f" all in DaCHS {in_dachs[name]:5.1f} ms)")
        everything = [v for values in measured.values() for v in values]
        rows["all queries"] = {"median_ms": round(statistics.median(everything) * 1000, 1),
                               "p95_ms": round(percentile(everything, 0.95) * 1000, 1),
                               "median_over_floor": round(statistics.median(everything)
                                                          / floor_median, 2)}
        print(f"{'all queries':<45} median {statistics.median(everything) * 1000:7.1f} ms  "
              f"p95 {percentile(everything, 0.95) * 1000:7.1f} ms  "
              f"{statistics.median(everything) / floor_median:5.2f}x floor (target 2x)")
        if errors:
            print(f"failed queries: {sum(errors.values())} of "
                  f"{args.repeats * clients * (len(QUERIES) + 1)}")
            for message, count in errors.items():
                print(f"  {count} x {message}")
        rows["errors"] = errors
        figures[f"tap_{clients}_clients"] = rows


if __name__ == "__main__":
    main()
