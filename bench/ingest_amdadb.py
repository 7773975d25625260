"""Benchmark of amdadb at production scale: the ingest and the EPN-TAP queries.

In one run on this machine:

* a production-sized catalogue synthesised from the shared SPASE sample
  (419 records): each record as it is, and clones of them under new ids
  (``<id>-cN``) and time spans (a middle part of the original's, as long as
  makes >= 4 M public granules in all) up to about 1,000 datasets, as AMDA
  has;
* its end-to-end ingest with ``python -m ingest amdadb --full``: parsing,
  mapping, COPY, indexes, ANALYZE and the swap of the tables behind the
  ``amdadb.epn_core`` view; granules/s and the command's peak resident
  memory (targets: >= 100,000 granules/s, < 1 GB);
* DaCHS's plain rowmaker import of some of the same rows (an embedded
  grammar yielding the granule dicts, ``--dachs-rows`` of them, into a
  scratch schema), rows/s, and the ratio of the two rates;
* an incremental update after one record's StopDate moved ten days;
* the median and 95th percentile latency of the selective queries (VESPA
  and TOPCAT finding granules) and of the discovery queries (counting them,
  listing a column's values, per-dataset summaries) of bench/queries.py
  through TAP sync, against the server's floor (``SELECT TOP 1 * FROM
  tap_schema.tables``), alone and with 8 concurrent clients (targets:
  selective medians within 2x the floor, discovery medians within 3x), with
  the time DaCHS's ADQL parser alone takes on each query text, the time the
  database takes for the SQL DaCHS sends for it, on a new connection as each
  TAP request does, and the time DaCHS takes for the whole query in one
  process, from the ADQL text to the VOTable.  Floor and queries alternate:
  each round sends the floor by every client at once, then each query by
  every client, so that both share whatever else the machine does;
* for the discovery queries, the database time of what was tried to make
  them fast: the SQL DaCHS writes for the view (what the server sent before
  instance/discovery.py), the same with two parallel workers (executed
  directly: DaCHS's cursors run without them), a count of the granules
  table alone (the best a join PostgreSQL could remove would give), and the
  rewritten SQL on the datasets the server sends now; and the in-DaCHS time
  with and without the rewrite;
* the throughput of a mixed workload at 1, 2, 4, 8 and 16 clients
  (bench/throughput.py), while the big table is loaded.

The published tables hold the big catalogue during the run (a few minutes);
the bundled sample is loaded back at the end.  Needs the running instance
(``make serve``).  Prints the figures and writes them to
bench/results/ingest_amdadb.json.

Run it as ``/opt/cdpp-epntap/venv/bin/python bench/ingest_amdadb.py``.
"""

import argparse
import concurrent.futures
import contextlib
import datetime as dt
import io
import json
import os
import re
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
sys.path.insert(0, str(REPO / "bench"))
from queries import DISCOVERY, FLOOR, SELECTIVE  # noqa: E402

QUERIES = {**SELECTIVE, **DISCOVERY}
#: Target of the median over the floor's, by kind of query.
TARGETS = {**{name: 2.0 for name in SELECTIVE}, **{name: 3.0 for name in DISCOVERY}}
#: The synthesised catalogue: about as many datasets as AMDA's, at least this many
#: public granules.
DATASETS, PUBLIC_GRANULES = 1000, 4_100_000
#: The record the incremental update changes, and how.
CHANGED_RECORD = Path("NumericalData", "CDPP-AMDA", "ACE", "MFI", "ace-mag-real.xml")
CHANGED_STOP = ("<StopDate>2025-10-17T07:59:59Z</StopDate>",
                "<StopDate>2025-10-27T07:59:59Z</StopDate>")

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


def _iso(when):
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def synthesize(tree, datasets=DATASETS, public_granules=PUBLIC_GRANULES):
    """Write into directory ``tree`` the shared SPASE sample and clones of its NumericalData
    records up to ``datasets`` records, so that they map to at least ``public_granules``
    public granules; return {"datasets", "clones", "span_fraction"}.

    Clone N of a record has the ResourceID ``<id>-cN`` and the middle part of the
    record's TimeSpan, the same share of every record's."""
    from ingest import amdadb
    from spase import Catalog

    shutil.copytree(SHARED_SPASE, tree)
    mapped = sorted(amdadb.map_catalog(Catalog.load(str(SHARED_SPASE))), key=lambda d: d.path)
    clones = max(0, datasets - len(mapped))
    sources = [mapped[i % len(mapped)] for i in range(clones)]
    have = sum(len(d) for d in mapped if d.public)
    cloned = sum(len(d) for d in sources if d.public)
    fraction = min(1.0, max(0.05, (public_granules - have) / cloned * 1.01)) if cloned else 1.0
    out = Path(tree) / "NumericalData" / "clones"
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for ds in sources:
        number = counts[ds.dataset_id] = counts.get(ds.dataset_id, 0) + 1
        new_id = f"{ds.dataset_id}-c{number}"
        text = Path(ds.path).read_text(encoding="utf-8")
        text, found = re.subn(r"(<ResourceID>[^<]*/)" + re.escape(ds.dataset_id) + "</ResourceID>",
                              lambda m: m.group(1) + new_id + "</ResourceID>", text, count=1)
        if not found:
            sys.exit(f"cannot clone {ds.path}: its ResourceID does not end with {ds.dataset_id}")
        text = text.replace(f"<ProductKey>{ds.dataset_id}</ProductKey>",
                            f"<ProductKey>{new_id}</ProductKey>")
        length = ds.stop - ds.start
        start = ds.start + length * (1 - fraction) / 2
        stop = start + length * fraction
        text = re.sub(r"<StartDate>[^<]*</StartDate>", f"<StartDate>{_iso(start)}</StartDate>",
                      text, count=1)
        text = re.sub(r"<StopDate>[^<]*</StopDate>", f"<StopDate>{_iso(stop)}</StopDate>",
                      text, count=1)
        (out / f"{new_id}.xml").write_text(text, encoding="utf-8")
    return {"datasets": len(mapped) + clones, "clones": clones,
            "span_fraction": round(fraction, 3)}


def incremental_seconds(tree):
    """Move one record's StopDate in ``tree`` by ten days and run the incremental update;
    return seconds."""
    record = Path(tree) / CHANGED_RECORD
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace(*CHANGED_STOP), encoding="utf-8")
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


def _median_ms_on_new_connections(work, repeats, profile="untrustedquery"):
    """Return the median time (ms) of ``work(connection)``, each run on a new connection
    of DaCHS's TAP role as each TAP request gets (or of DaCHS's ``profile``; the
    connection itself not counted), the first run left out."""
    from gavo import api, base  # noqa: F401 (api sets DaCHS's caches up)

    times = []
    for _ in range(repeats + 1):
        conn = base.getDBConnection(profile)
        try:
            started = time.perf_counter()
            work(conn)
            times.append(time.perf_counter() - started)
        finally:
            conn.close()
    return statistics.median(times[1:]) * 1000


_PLAIN_MORPH = []


def install_discovery():
    """Make this process translate ADQL as the server does (instance.discovery); keep
    DaCHS's own translation for :func:`view_translation`."""
    from gavo import adql
    from instance import discovery

    if not _PLAIN_MORPH:
        _PLAIN_MORPH.append(adql.morphPG)
    discovery.install()


@contextlib.contextmanager
def view_translation():
    """Within it, this process translates ADQL as DaCHS alone does (on the view)."""
    from gavo import adql

    served = adql.morphPG
    adql.morphPG = _PLAIN_MORPH[0]
    try:
        yield
    finally:
        adql.morphPG = served


def sql_of(query):
    """Return the SQL DaCHS in this process sends to the database for ``query``."""
    from gavo import api  # noqa: F401 (api sets DaCHS's caches up)
    from gavo.protocols import adqlglue

    return adqlglue.morphADQL(query, maxrec=1000)[0].replace("%%", "%")


def database_ms(sql, repeats=5, settings=(), cursor=True, profile="untrustedquery"):
    """Return the median time (ms) the database takes for ``sql``: declared as a cursor
    and fetched (as DaCHS does) or, with ``cursor`` False, executed directly, on a new
    connection of DaCHS's ``profile``, after the SET statements ``settings``."""

    def fetch(conn):
        cur = conn.cursor()
        for statement in settings:
            cur.execute(statement)
        if cursor:
            cur.execute("SET cursor_tuple_fraction = 1")
            cur.execute(f"DECLARE bench CURSOR FOR {sql}")
            cur.execute("FETCH ALL FROM bench")
        else:
            cur.execute(sql)
        cur.fetchall()

    return _median_ms_on_new_connections(fetch, repeats, profile)


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


def discovery_options():
    """Return {query name: {option: ms}} for the discovery queries: the database time of
    the SQL on the view, with two parallel workers, of a count of the granules alone
    (for the counts), of the rewritten SQL; DaCHS's time in this process without and
    with the rewrite."""
    options = {}
    parallel = ("SET max_parallel_workers_per_gather = 2", "SET parallel_setup_cost = 10",
                "SET parallel_tuple_cost = 0.01")
    for name, query in DISCOVERY.items():
        with view_translation():
            view = sql_of(query)
            plain_dachs = in_dachs_ms(query, 3)
        row = {"view": database_ms(view, 3),
               "view, 2 parallel workers": database_ms(view, 3, parallel, cursor=False),
               "rewritten": database_ms(sql_of(query)),
               "in DaCHS, view": plain_dachs,
               "in DaCHS, rewritten": in_dachs_ms(query)}
        if name.startswith("count all"):
            row["granules alone"] = database_ms("SELECT count(*) FROM amdadb.granules", 3,
                                                  profile="admin")
        options[name] = {k: round(v, 1) for k, v in row.items()}
    return options


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dachs-rows", type=int, default=50000,
                        help="granules imported through the DaCHS rowmaker (default 50000)")
    parser.add_argument("--repeats", type=int, default=20,
                        help="rounds of the queries with one client, each query run once per"
                             " round (default 20; half as many with 8 clients)")
    parser.add_argument("--throughput-seconds", type=float, default=10,
                        help="seconds of each level of the throughput measurement (default 10)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    settings = project_settings.load()
    server = settings["CDPP_SERVER_URL"].rstrip("/")
    figures = {}
    install_discovery()

    with tempfile.TemporaryDirectory() as tmp:
        try:
            measure(args, settings, server, Path(tmp) / "spase", figures)
        finally:
            print("== loading the bundled sample back")
            run_ingest(["--spase", str(SAMPLE / "spase"), "--data", str(SAMPLE / "cdf"),
                        "--full"])

    results = REPO / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "ingest_amdadb.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")
    print(f"figures written to {results / 'ingest_amdadb.json'}")


def measure(args, settings, server, tree, figures):
    """Run the measurements on a catalogue synthesised in ``tree``, printing them and
    adding them to ``figures``."""
    print(f"== synthesising about {DATASETS:,} datasets from the shared sample")
    started = time.perf_counter()
    figures["catalogue"] = synthesize(tree)
    print(f"{figures['catalogue']['datasets']:,} records ({figures['catalogue']['clones']} clones,"
          f" each with {figures['catalogue']['span_fraction']:.0%} of its original's span)"
          f" in {time.perf_counter() - started:.1f} s")

    print("== ingest of the synthesised catalogue, full rebuild and swap")
    seconds, peak_mb, out = run_ingest(["--spase", str(tree), "--full"])
    granules = int(out.split("loaded: full rebuild, ")[1].split(" public")[0].replace(",", ""))
    restricted = int(out.split(" public and ")[1].split(" restricted")[0].replace(",", ""))
    rate = (granules + restricted) / seconds
    figures["ingest"] = {"public_granules": granules, "granules": granules + restricted,
                         "seconds": round(seconds, 1), "granules_per_s": round(rate),
                         "peak_rss_mb": round(peak_mb)}
    print(f"{granules:,} public and {restricted:,} restricted granules in {seconds:.1f} s: "
          f"{rate:,.0f} granules/s (target 100,000: {rate / 1e5:.2f}x); peak memory "
          f"{peak_mb:,.0f} MB (target < 1024 MB)")
    print("  " + out.strip().splitlines()[-1])

    print(f"== DaCHS rowmaker import of {args.dachs_rows:,} of the same rows")
    dachs_rate, dachs_count = dachs_rowmaker_rate(args.dachs_rows)
    figures["dachs_rowmaker"] = {"rows": dachs_count, "rows_per_s": round(dachs_rate)}
    print(f"{dachs_rate:,.0f} rows/s; the ingest is {rate / dachs_rate:.1f}x faster")

    print("== incremental update (one record's StopDate moved by ten days)")
    inc = incremental_seconds(tree)
    figures["incremental_seconds"] = round(inc, 1)
    print(f"{inc:.1f} s, parsing and mapping all {figures['catalogue']['datasets']:,}"
          " records included")

    for clients, repeats in ((1, args.repeats), (8, max(1, args.repeats // 2))):
        figures[f"tap_{clients}_clients"] = tap_latencies(server, clients, repeats)

    print("== discovery queries: database time (ms, new connection) of each option,"
          " and DaCHS's time for the whole query")
    figures["discovery_options"] = discovery_options()
    for name, row in figures["discovery_options"].items():
        print(f"{name:<34} " + ", ".join(f"{k} {v:.1f}" for k, v in row.items()))

    throughput(args, settings, server, figures)


def throughput(args, settings, server, figures):
    """Measure the throughput of bench/throughput.py's mixed workload into ``figures``
    (said and skipped when that module is absent)."""
    try:
        import throughput as throughput_bench
    except ImportError as exc:
        print(f"== throughput: skipped, bench/throughput.py cannot be imported ({exc})")
        return
    from instance import server as server_mod
    single = next(p.url for p in server_mod.backends(settings) if p.label == "DaCHS 1")
    print(f"== throughput, {args.throughput_seconds:g} s per level")
    result = throughput_bench.measure(server, single, seconds=args.throughput_seconds)
    throughput_bench.print_figures(result)
    figures["throughput"] = result


def tap_latencies(server, clients, repeats):
    """Print and return the latency figures of QUERIES against the floor's through TAP
    sync with ``clients`` clients, ``repeats`` rounds."""
    print(f"== TAP sync latency, {clients} client{'s' if clients > 1 else ''}, "
          f"{repeats} runs of each query per client")
    errors = {}
    floor, measured = [], {name: [] for name in QUERIES}
    for round_ in range(repeats + 1):
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
    database = {name: database_ms(sql_of(sql)) for name, sql in everyone.items()}
    in_dachs = {name: in_dachs_ms(sql) for name, sql in everyone.items()}
    rows = {"floor": {"median_ms": round(floor_median * 1000, 1),
                      "p95_ms": round(percentile(floor, 0.95) * 1000, 1),
                      "adql_parse_ms": round(parse["floor"], 1),
                      "database_ms": round(database["floor"], 1),
                      "in_dachs_ms": round(in_dachs["floor"], 1)}}
    print(f"{'floor (' + FLOOR + ')':<45} median {floor_median * 1000:7.1f} ms  "
          f"p95 {percentile(floor, 0.95) * 1000:7.1f} ms               "
          f"(ADQL parse {parse['floor']:4.1f} ms, database {database['floor']:5.1f} ms,"
          f" all in DaCHS {in_dachs['floor']:5.1f} ms)")
    for kind, names in (("selective", SELECTIVE), ("discovery", DISCOVERY)):
        print(f"  {kind} queries (target: median within {TARGETS[next(iter(names))]:g}x"
              " the floor)")
        for name in names:
            values = measured[name]
            if not values:
                print(f"{name:<45} no successful run")
                continue
            median = statistics.median(values)
            rows[name] = {"median_ms": round(median * 1000, 1),
                          "p95_ms": round(percentile(values, 0.95) * 1000, 1),
                          "median_over_floor": round(median / floor_median, 2),
                          "met": median / floor_median <= TARGETS[name],
                          "adql_parse_ms": round(parse[name], 1),
                          "database_ms": round(database[name], 1),
                          "in_dachs_ms": round(in_dachs[name], 1)}
            print(f"{name:<45} median {median * 1000:7.1f} ms  p95 "
                  f"{percentile(values, 0.95) * 1000:7.1f} ms  {median / floor_median:5.2f}x floor"
                  f"  (ADQL parse {parse[name]:4.1f} ms, database {database[name]:5.1f} ms,"
                  f" all in DaCHS {in_dachs[name]:5.1f} ms)")
    everything = [v for values in measured.values() for v in values]
    rows["all queries"] = {"median_ms": round(statistics.median(everything) * 1000, 1),
                           "p95_ms": round(percentile(everything, 0.95) * 1000, 1),
                           "median_over_floor": round(statistics.median(everything)
                                                      / floor_median, 2)}
    print(f"{'all queries':<45} median {statistics.median(everything) * 1000:7.1f} ms  "
          f"p95 {percentile(everything, 0.95) * 1000:7.1f} ms  "
          f"{statistics.median(everything) / floor_median:5.2f}x floor")
    missed = [name for name in QUERIES if name in rows and not rows[name]["met"]]
    print(f"targets met by {len(QUERIES) - len(missed)} of {len(QUERIES)} queries"
          + (f"; not by: {', '.join(missed)}" if missed else ""))
    if errors:
        print(f"failed queries: {sum(errors.values())} of "
              f"{repeats * clients * (len(QUERIES) + 1)}")
        for message, count in errors.items():
            print(f"  {count} x {message}")
    rows["errors"] = errors
    return rows


if __name__ == "__main__":
    main()
