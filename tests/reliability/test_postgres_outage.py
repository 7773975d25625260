"""PostgreSQL stopped and started under load: the requests in between get clean
errors, and DaCHS answers correctly again within 10 s of PostgreSQL's return,
without a restart."""

import random
import subprocess
import sys
import threading
import time

import pytest
import requests

import traffic
from instance import debian, postgres

#: Seconds DaCHS may take to answer correctly again once PostgreSQL accepts connections.
RECOVERY_LIMIT = 10
#: Seconds of load before the stop and after the start.
BEFORE, AFTER = 4, 16
KINDS = ("TAP sync", "DataLink ASCII", "OAI-PMH")


def control(major, action):
    """Runs pg_ctlcluster <major> main <action> (without systemd); returns the CompletedProcess."""
    return subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", major, postgres.CLUSTER, action]
                          + (["-m", "fast"] if action == "stop" else []),
                          capture_output=True, text=True, timeout=120)


def online(major):
    """Returns True if the cluster <major>/main is online."""
    return postgres.clusters().get((major, postgres.CLUSTER), ("", "down"))[1] == "online"


def forget_connections():
    """Marks the connection pools DaCHS keeps in this process (for the tests that
    run DaCHS code in it) stale: their connections died with PostgreSQL."""
    sqlsupport = sys.modules.get("gavo.base.sqlsupport")
    if sqlsupport is not None:
        sqlsupport.CustomConnectionPool.serverRestarted()


def clean_error(outcome):
    """Returns True if a failed request failed cleanly: an HTTP error status with a
    message, or the error document of its protocol (TAP's QUERY_STATUS ERROR,
    an OAI-PMH error)."""
    if outcome.status is None:
        return False
    if outcome.status >= 400:
        return len(outcome.note) > len("HTTP 500: b''")
    return outcome.note.startswith(("VOTable with QUERY_STATUS ERROR", "OAI-PMH error"))


@pytest.mark.integration
def test_postgres_stopped_and_started_under_load(server, budget, report):
    major = debian.postgresql_major()
    assert online(major), f"PostgreSQL {major}/{postgres.CLUSTER} is not running"
    pids = traffic.dachs_server_pids()
    assert pids, "no DaCHS server process"
    outcomes, crashes = [[] for _ in range(budget.outage_clients)], []
    until = time.monotonic() + BEFORE + budget.outage_seconds + AFTER + 10
    threads = [threading.Thread(target=traffic.client_loop, daemon=True,
                                args=(KINDS[i % len(KINDS)], server, until, 100_000, i, outcomes[i], crashes))
               for i in range(budget.outage_clients)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(BEFORE)
        stopped_at = time.monotonic()
        result = control(major, "stop")
        assert result.returncode == 0, f"pg_ctlcluster stop: {result.stderr}"
        time.sleep(budget.outage_seconds)
        result = control(major, "start")
        back_at = time.monotonic()
        assert result.returncode == 0, f"pg_ctlcluster start: {result.stderr}"
    finally:
        if not online(major):
            control(major, "start")
        forget_connections()
        for thread in threads:
            thread.join(timeout=max(0.0, until - time.monotonic()) + traffic.REQUEST_TIMEOUT + 30)
    assert not crashes, "\n".join(crashes)
    assert not any(t.is_alive() for t in threads), "a client is still waiting for an answer"
    # Asynchronous jobs run again too (synchronous queries cut off by the stop
    # must not hold back the queue).
    with requests.Session() as session:
        jobs = [traffic.tap_async(session, server, random.Random(n), budget=60) for n in range(2)]
    every = sorted((o for per_client in outcomes for o in per_client), key=lambda o: o.at)
    before = [o for o in every if o.at < stopped_at]
    between = [o for o in every if stopped_at <= o.at < back_at]
    after = [o for o in every if o.at >= back_at]
    # Recovery: from the first answer after which every request of every kind is right.
    last_bad = max((o.at for o in after if not o.ok), default=back_at)
    recovered_in = last_bad - back_at
    unclean = [o for o in between + after if not o.ok and not clean_error(o)]
    same_servers = traffic.dachs_server_pids() == pids
    late = [o for o in after if o.at >= back_at + RECOVERY_LIMIT]
    problems = []
    if not all(o.ok for o in before):
        problems.append(f"before the stop: {[o.note for o in before if not o.ok][:3]}")
    if recovered_in > RECOVERY_LIMIT or not late or not all(o.ok for o in late):
        problems.append(f"not answering correctly {RECOVERY_LIMIT} s after PostgreSQL's return"
                        f" (last failure {recovered_in:.1f} s after): "
                        f"{sorted({o.note[:150] for o in after if not o.ok})[:3]}")
    if unclean:
        problems.append(f"{len(unclean)} unclean failures (broken connections or empty errors):"
                        f" {sorted({o.note[:150] for o in unclean})[:3]}")
    if not all(job.ok for job in jobs):
        problems.append(f"asynchronous jobs after the return: {[job.note for job in jobs]}")
    if not same_servers:
        problems.append(f"the DaCHS servers changed: {pids} -> {traffic.dachs_server_pids()}")
    failed_between = sum(not o.ok for o in between)
    print("errors while PostgreSQL was down:", sorted({o.note[:200] for o in between if not o.ok})[:10])
    report("faults", f"PostgreSQL stopped {budget.outage_seconds:.0f} s under {budget.outage_clients}"
           " clients (TAP, DataLink, OAI-PMH)", len(every),
           f"{len(between)} requests while down ({failed_between} clean errors), {len(unclean)} unclean;"
           f" correct again {max(recovered_in, 0):.1f} s after its return (limit {RECOVERY_LIMIT} s),"
           f" {'same' if same_servers else 'other'} DaCHS processes; async jobs after:"
           f" {', '.join(f'{job.seconds:.1f} s' if job.ok else 'failed' for job in jobs)}", not problems)
    assert not problems, "\n".join(problems)
