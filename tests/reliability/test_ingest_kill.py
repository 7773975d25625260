"""The amdadb ingest (``python -m ingest amdadb --full``) killed with SIGKILL in
each phase: the published table is unchanged, queries answer throughout, and
the next ingest succeeds without manual cleanup.

The killed ingest reads the sample without one of its records, so that a load
that got through would show.  Each phase is caught the same way every time:

- parse: one of the files it reads is a named pipe, on which it waits;
- copy: the test takes an exclusive lock on the new datasets table as soon as
  the ingest has made it, so that its COPY waits;
- index: a SHARE UPDATE EXCLUSIVE lock on the new granules table, which the
  COPY passes and CREATE INDEX waits for;
- swap: a share lock on the new datasets table, which the swap's RENAME waits
  for, inside the transaction that replaces the published tables;

and the ingest's process group is killed once its backend waits there (seen
in pg_stat_activity).
"""

import os
import shutil
import signal
import subprocess
import threading
import time

import pytest
import requests

import traffic
from instance import dachs, postgres

#: Seconds to wait for the ingest to reach a phase.
REACH_TIMEOUT = 60
#: A record the killed ingest goes without.
LEFT_OUT = "NumericalData/CDPP-AMDA/ACE"
#: How each phase is caught: (the new table to lock, the lock mode, what the waiting backend runs).
LOCKS = {
    "copy": ("datasets__loading", "ACCESS EXCLUSIVE", "COPY%datasets__loading%"),
    "index": ("granules__loading", "SHARE UPDATE EXCLUSIVE", "CREATE%INDEX%granules__loading%"),
    "swap": ("datasets__loading", "ACCESS SHARE", "ALTER TABLE%datasets__loading%RENAME%"),
}


def fingerprint(settings):
    """Returns what is published: counts and digests of epn_core, the restricted view and
    amdadb's dc.products rows."""
    sql = ("SELECT (SELECT count(*) || ' ' || md5(string_agg(granule_uid || coalesce(access_url, ''), ','"
           " ORDER BY granule_uid)) FROM amdadb.epn_core),"
           " (SELECT count(*) FROM amdadb.epn_core_restricted),"
           " (SELECT count(*) || ' ' || md5(coalesce(string_agg(accref, ',' ORDER BY accref), ''))"
           " FROM dc.products WHERE sourcetable = 'amdadb.epn_core')")
    return postgres.psql(sql, database=settings["CDPP_DB_NAME"]).stdout.strip()


def loading_tables(settings):
    """Returns the names of the half-made tables an interrupted load left."""
    out = postgres.psql("SELECT tablename FROM pg_tables WHERE schemaname = 'amdadb'"
                        " AND tablename LIKE '%\\_\\_loading'", database=settings["CDPP_DB_NAME"]).stdout
    return out.split()


class Queries:
    """A thread counting amdadb's public granules through TAP every 0.2 s while it runs."""

    def __init__(self, server, expected):
        self.server, self.expected, self.answers, self.bad, self.slowest = server, expected, 0, [], 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        with requests.Session() as session:
            for _ in range(5000):
                if self.stop.is_set():
                    return
                started = time.monotonic()
                try:
                    answer = session.post(traffic.loopback(self.server + "/tap/sync"), timeout=60, data={
                        "REQUEST": "doQuery", "LANG": "ADQL", "RESPONSEFORMAT": "csv",
                        "QUERY": "SELECT COUNT(*) AS n FROM amdadb.epn_core"})
                    text = answer.text.split()
                    if answer.status_code != 200 or text[-1:] != [str(self.expected)]:
                        self.bad.append(f"HTTP {answer.status_code}: {answer.text[:200]!r}")
                except requests.RequestException as error:
                    self.bad.append(repr(error))
                self.answers += 1
                self.slowest = max(self.slowest, time.monotonic() - started)
                self.stop.wait(0.2)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=90)


def admin_connection():
    """Returns a connection of DaCHS's admin profile (the one the ingest uses)."""
    from ingest import load
    return load.connect()


def start_ingest(settings, spase_dir):
    """Starts the amdadb full ingest of ``spase_dir`` in a process group of its own."""
    command = [str(a) for a in dachs.ingest_command(settings, "amdadb")]
    command[command.index("--spase") + 1] = str(spase_dir)
    return subprocess.Popen(command, env=dict(os.environ, **dachs.dachs_env(settings)), cwd="/",
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)


def kill(process):
    """SIGKILLs the ingest's process group (its COPY and index workers too) and reaps it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def reach_parse(process, tree):
    """Blocks the ingest on a named pipe among its SPASE files; returns when it waits on it."""
    deadline = time.monotonic() + REACH_TIMEOUT
    pipe = tree / "NumericalData" / "waiting.xml"
    while time.monotonic() < deadline and process.poll() is None:
        try:
            fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # ENXIO: nobody reads it yet
            time.sleep(0.01)
            continue
        os.close(fd)
        return "parse: reading a SPASE file"
    raise AssertionError(f"the ingest did not reach the parse phase (exit {process.poll()})")


def reach_locked(process, phase, holder):
    """Takes the lock of ``phase`` on the new table as soon as it exists (``holder``,
    an admin connection, keeps it); returns what the ingest's backend waits in."""
    table, mode, waiting = LOCKS[phase]
    cursor = holder.cursor()
    deadline = time.monotonic() + REACH_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", (f"amdadb.{table}",))
        if cursor.fetchone()[0]:
            break
        holder.rollback()
        time.sleep(0.001)
    else:
        raise AssertionError(f"the ingest made no {table} (exit {process.poll()})")
    cursor.execute(f"LOCK TABLE amdadb.{table} IN {mode} MODE")
    watcher = admin_connection()
    try:
        watch = watcher.cursor()
        while time.monotonic() < deadline and process.poll() is None:
            watch.execute("SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                          " AND query ILIKE %s AND pid <> pg_backend_pid()", (waiting,))
            found = watch.fetchall()
            watcher.rollback()
            if found:
                return f"{phase}: {' '.join(found[0][0].split())[:70]}"
            time.sleep(0.02)
    finally:
        watcher.close()
    raise AssertionError(f"the ingest did not wait in its {phase} phase (exit {process.poll()})")


def settle(settings):
    """Waits (at most 30 s) until no backend still runs for a killed ingest."""
    for _ in range(300):
        out = postgres.psql("SELECT count(*) FROM pg_stat_activity WHERE state <> 'idle'"
                            " AND query ILIKE '%\\_\\_loading%' AND pid <> pg_backend_pid()",
                            database=settings["CDPP_DB_NAME"]).stdout.strip()
        if out == "0":
            return
        time.sleep(0.1)


@pytest.fixture
def shortened_sample(settings, tmp_path):
    """A copy of the installed amdadb SPASE records without LEFT_OUT, with an empty named pipe slot."""
    source = os.path.join(settings["CDPP_GAVO_ROOT"], "inputs", "amdadb", "data", "spase")
    tree = tmp_path / "spase"
    shutil.copytree(source, tree)
    shutil.rmtree(tree / LEFT_OUT)
    return tree


@pytest.mark.integration
@pytest.mark.parametrize("phase", ["parse", "copy", "index", "swap"])
def test_ingest_killed(server, settings, shortened_sample, report, phase):
    published = fingerprint(settings)
    expected = int(published.split()[0])
    if phase == "parse":
        os.mkfifo(shortened_sample / "NumericalData" / "waiting.xml")
    holder = admin_connection() if phase != "parse" else None
    with Queries(server, expected) as queries:
        process = start_ingest(settings, shortened_sample)
        try:
            if phase == "parse":
                where = reach_parse(process, shortened_sample)
            else:
                where = reach_locked(process, phase, holder)
            kill(process)
        finally:
            if process.poll() is None:
                kill(process)
            if holder is not None:
                holder.rollback()
                holder.close()
        settle(settings)
        after_kill = fingerprint(settings)
        left = loading_tables(settings)
        time.sleep(0.5)
    assert process.returncode == -signal.SIGKILL, process.stdout.read().decode()[-2000:]
    # The next ingest, the one `make serve` runs, without any cleanup.
    command = [str(a) for a in dachs.ingest_command(settings, "amdadb")]
    with Queries(server, expected) as during_next:
        result = subprocess.run(command, env=dict(os.environ, **dachs.dachs_env(settings)), cwd="/",
                                capture_output=True, text=True, timeout=600)
    final = fingerprint(settings)
    problems = []
    if after_kill != published:
        problems.append(f"the published tables changed: {published} -> {after_kill}")
    if queries.bad or during_next.bad or not queries.answers:
        problems.append(f"queries failed: {(queries.bad + during_next.bad)[:3]}")
    if result.returncode != 0:
        problems.append(f"the next ingest failed: {result.stdout[-1000:]} {result.stderr[-1000:]}")
    if final != published or loading_tables(settings):
        problems.append(f"after the next ingest: {final} (was {published}), left {loading_tables(settings)}")
    report("faults", f"ingest --full SIGKILLed in its {phase} phase", queries.answers + during_next.answers,
           f"killed at {where}; published unchanged: {after_kill == published}; half-made tables left"
           f" {len(left)}, dropped by the next ingest (exit {result.returncode}); slowest query"
           f" {max(queries.slowest, during_next.slowest):.2f} s", not problems)
    assert not problems, "\n".join(problems)
