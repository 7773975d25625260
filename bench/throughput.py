"""Throughput of the server under a mixed TAP workload, by number of clients.

Each client sends, one after the other, the benchmark's queries (bench/queries.py:
the floor, the selective and the discovery queries, in turn, each client
starting at another one) through TAP sync, for a bounded time at each level of
1, 2, 4, 8 and 16 concurrent clients.  For each level it prints the queries per
second, the median and the 95th percentile latency; then the same workload from
8 clients sent straight to one DaCHS process's port (what one server process
does), and the ratio of the 8-client throughput through the proxy to it
(target: at least 1.7 on a 2-core machine).

``measure`` and ``print_figures`` serve other benchmarks too (bench/ingest_amdadb.py
runs them while it holds the big table).  Needs the running instance
(``make serve``); prints the figures and writes them to bench/results/throughput.json.

Run it as ``/opt/cdpp-epntap/venv/bin/python bench/throughput.py``.
"""

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from instance import server as server_mod  # noqa: E402
from instance import settings as project_settings  # noqa: E402
from queries import DISCOVERY, FLOOR, SELECTIVE  # noqa: E402

LEVELS = (1, 2, 4, 8, 16)
#: The number of clients of the one-process figure and of the ratio.
RATIO_CLIENTS = 8
TARGET_RATIO = 1.7
#: The queries each client cycles through.
WORKLOAD = (FLOOR, *SELECTIVE.values(), *DISCOVERY.values())
#: At most this many queries per client and level, whatever the time left.
MAX_QUERIES = 5000


def _client(base_url, offset, deadline, latencies, errors):
    """Sends the workload to base_url from WORKLOAD[offset] on until deadline;
    appends each answer's seconds to latencies, each failure to errors."""
    session = requests.Session()
    for number in range(MAX_QUERIES):
        if time.monotonic() >= deadline:
            break
        query = WORKLOAD[(offset + number) % len(WORKLOAD)]
        started = time.monotonic()
        try:
            answer = session.post(f"{base_url}/tap/sync", timeout=120, data={
                "REQUEST": "doQuery", "LANG": "ADQL", "QUERY": query})
            answer.raise_for_status()
            latencies.append(time.monotonic() - started)
        except requests.RequestException as error:
            errors.append(f"{query}: {error}")
    session.close()


def run_level(base_url, clients, seconds):
    """Returns the figures of `clients` clients sending the workload to base_url
    for `seconds` seconds: clients, queries, errors, seconds, queries_per_s,
    median_ms, p95_ms."""
    latencies, errors = [], []
    started = time.monotonic()
    threads = [threading.Thread(target=_client, args=(base_url, number * 3,
        started + seconds, latencies, errors)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)
    return {"clients": clients, "queries": len(ordered), "errors": len(errors),
            "seconds": round(elapsed, 1),
            "queries_per_s": round(len(ordered) / elapsed, 2),
            "median_ms": round(statistics.median(ordered) * 1000, 1) if ordered else None,
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1)
            if ordered else None,
            "first_error": errors[0] if errors else None}


def measure(base_url, single_process_url, levels=LEVELS, seconds=15):
    """Returns the throughput figures: {"levels": [figures of each level through
    base_url], "single_process": figures of RATIO_CLIENTS clients sending to
    single_process_url, "ratio": queries/s of RATIO_CLIENTS clients through
    base_url over those of the single process (None without that level)}."""
    run_level(base_url, 2, 2)  # warms the connections and the caches
    figures = {"levels": [run_level(base_url, clients, seconds) for clients in levels]}
    figures["single_process"] = run_level(single_process_url, RATIO_CLIENTS, seconds)
    through = next((level for level in figures["levels"]
        if level["clients"] == RATIO_CLIENTS), None)
    single = figures["single_process"]["queries_per_s"]
    figures["ratio"] = round(through["queries_per_s"] / single, 2) \
        if through and single else None
    figures.update(base_url=base_url, single_process_url=single_process_url,
        workload_queries=len(WORKLOAD))
    return figures


def print_figures(figures):
    """Prints the figures of measure as a table and the ratio."""
    print(f"TAP sync throughput, mixed workload of {figures['workload_queries']} queries"
          f" (floor, selective, discovery), through {figures['base_url']}:")
    print(f"  {'clients':>7} {'queries/s':>10} {'median':>10} {'p95':>10} {'queries':>8}"
          f" {'errors':>7}")
    rows = [(str(level["clients"]), level) for level in figures["levels"]]
    rows.append((f"{RATIO_CLIENTS} *", figures["single_process"]))
    for label, level in rows:
        print(f"  {label:>7} {level['queries_per_s']:>10.2f} {level['median_ms'] or 0:>8.1f}"
              f" ms {level['p95_ms'] or 0:>7.1f} ms {level['queries']:>8} {level['errors']:>7}")
        if level["first_error"]:
            print(f"          first error: {level['first_error'][:200]}")
    print(f"  * straight to one DaCHS process ({figures['single_process_url']})")
    if figures["ratio"] is not None:
        print(f"  {RATIO_CLIENTS} clients through the proxy / one process: {figures['ratio']:.2f}x"
              f" (target >= {TARGET_RATIO}x)")


def main(argv=None):
    settings = project_settings.load()
    single = next(p.url for p in server_mod.backends(settings) if p.label == "DaCHS 1")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=server_mod.local_url(settings),
        help="the server's base URL (default: the proxy of this host)")
    parser.add_argument("--single", default=single,
        help="the base URL of one DaCHS process (default: the first of this host)")
    parser.add_argument("--seconds", type=float, default=15, help="seconds per level")
    parser.add_argument("--levels", type=int, nargs="+", default=list(LEVELS),
        help="numbers of concurrent clients")
    args = parser.parse_args(argv)
    figures = measure(args.server, args.single, args.levels, args.seconds)
    print_figures(figures)
    results = REPO / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "throughput.json").write_text(json.dumps(figures, indent=2))
    failed = sum(level["errors"] for level in figures["levels"])
    return 1 if failed or figures["single_process"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
