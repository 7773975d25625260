"""Load: concurrent clients of every kind for a bounded time, no server error,
the DaCHS servers' memory steady."""

import random
import statistics
import threading
import time

import pytest
import requests

import traffic


def sample_memory(stop, samples, every=1.0):
    """Appends (monotonic time, summed RSS of the DaCHS and HAPI servers) to ``samples``
    every ``every`` seconds until the Event ``stop`` is set."""
    while not stop.is_set():
        samples.append((time.monotonic(),
                        traffic.rss_bytes(traffic.dachs_server_pids() + traffic.hapi_server_pids())))
        stop.wait(every)


def run_load(server, clients, seconds, kinds=tuple(traffic.KINDS), max_requests=100_000):
    """Runs ``clients`` client threads (kinds taken in turn) for ``seconds``; returns
    their Outcomes. Every thread stops by itself at the deadline."""
    until = time.monotonic() + seconds
    outcomes, crashes = [[] for _ in range(clients)], []
    threads = [threading.Thread(target=traffic.client_loop, daemon=True,
                                args=(kinds[i % len(kinds)], server, until, max_requests, i,
                                      outcomes[i], crashes))
               for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, until - time.monotonic()) + traffic.REQUEST_TIMEOUT + 30)
    assert not any(t.is_alive() for t in threads), "a client is still waiting for an answer"
    assert not crashes, "\n".join(crashes)
    return [o for per_client in outcomes for o in per_client]


def summarize(outcomes, kind, seconds):
    """Returns (count, figures text, server errors, wrong answers, first notes) of one kind."""
    mine = [o for o in outcomes if o.kind == kind]
    errors = [o for o in mine if o.server_error]
    wrong = [o for o in mine if not o.ok and not o.server_error]
    p50, p99 = traffic.percentiles(mine)
    figures = (f"{len(mine) / seconds:.1f} req/s, p50 {p50:.0f} ms, p99 {p99:.0f} ms,"
               f" {len(errors)} server errors, {len(wrong)} wrong answers")
    notes = sorted({o.note for o in errors + wrong})[:3]
    return len(mine), figures, len(errors), len(wrong), notes


@pytest.mark.integration
def test_concurrent_clients(server, budget, report):
    traffic.loopback(server)
    # One request of each kind first: what a server does once (loading an RD,
    # starting the first job) is not what the memory comparison is about.
    with requests.Session() as session:
        for request in traffic.KINDS.values():
            request(session, server, random.Random(0))
    # HAPI's workers each read the archive at their first request: a few
    # connections of their own reach each of them.
    for seed in range(3 * len(traffic.hapi_server_pids())):
        with requests.Session() as session:
            traffic.KINDS["HAPI"](session, server, random.Random(seed))
    stop, samples = threading.Event(), []
    sampler = threading.Thread(target=sample_memory, args=(stop, samples), daemon=True)
    sampler.start()
    started = time.monotonic()
    try:
        outcomes = run_load(server, budget.clients, budget.load_seconds)
    finally:
        stop.set()
        sampler.join(timeout=10)
    elapsed = time.monotonic() - started
    failures = []
    per_kind = {kind: budget.clients // len(traffic.KINDS) + (i < budget.clients % len(traffic.KINDS))
                for i, kind in enumerate(traffic.KINDS)}
    for kind in traffic.KINDS:
        count, figures, errors, wrong, notes = summarize(outcomes, kind, elapsed)
        held = count > 0 and errors == 0 and wrong == 0
        report("load", f"{kind}, {per_kind[kind]} of {budget.clients} clients for"
               f" {budget.load_seconds:.0f} s", count, figures, held)
        if not held:
            failures.append(f"{kind}: {count} requests, {figures}; {notes}")

    window = budget.memory_window
    first = [rss for at, rss in samples if at - started <= window]
    last = [rss for at, rss in samples if at >= started + elapsed - window]
    assert first and last and min(first) > 0, f"no memory samples of the servers: {samples[:3]}"
    before, after = statistics.median(first), statistics.median(last)
    growth = after / before - 1
    held = growth < 0.10
    report("load", f"memory of {len(traffic.dachs_server_pids())} DaCHS and {len(traffic.hapi_server_pids())}"
           f" HAPI server processes, first and last {window:.0f} s",
           len(samples), f"{before / 2**20:.0f} MiB -> {after / 2**20:.0f} MiB ({growth:+.1%}, limit +10%)",
           held)
    if not held:
        failures.append(f"memory grew {growth:+.1%}")
    assert not failures, "\n".join(failures)
