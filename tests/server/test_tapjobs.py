"""The server processes put the synchronous TAP jobs a stopped process left
in EXECUTING to ERROR (instance.tapjobs), so that they no longer hold
asynchronous jobs in DaCHS's queue; a synchronous job still within its
execution time is left alone."""

import subprocess
import time

import pytest
import requests

from instance import tapjobs

pytestmark = pytest.mark.integration


def new_job(server):
    """Returns the path of a new PENDING TAP job made through server."""
    created = requests.post(f"{server}/tap/async", data={"REQUEST": "doQuery", "LANG": "ADQL",
        "QUERY": "SELECT TOP 1 * FROM tap_schema.tables"}, allow_redirects=False, timeout=30)
    assert created.status_code == 303
    return "/" + created.headers["Location"].split("/", 3)[3]


def update_job(settings, job, assignments):
    """Sets the columns of job's row in DaCHS's TAP jobs table."""
    subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-d",
        settings["CDPP_DB_NAME"], "-v", "ON_ERROR_STOP=1", "-c",
        f"UPDATE tap_schema.tapjobs SET {assignments} WHERE jobid = '{job.rsplit('/', 1)[1]}'"],
        check=True, capture_output=True)


def pretend_running_sync_job(settings, job, started_seconds_ago):
    """Marks job as a synchronous query that started that long ago (as DaCHS
    marks one: EXECUTING, pid -1)."""
    update_job(settings, job, "phase = 'EXECUTING', pid = -1, executionduration = 60,"
        f" starttime = (now() AT TIME ZONE 'UTC') - interval '{started_seconds_ago} seconds'")


def phase(server, job):
    return requests.get(f"{server}{job}/phase", timeout=30).text.strip()


def test_abandoned_sync_job_goes_to_error_and_a_running_one_stays(server, settings):
    abandoned, running = new_job(server), new_job(server)
    pretend_running_sync_job(settings, abandoned, 60 + tapjobs.GRACE + 30)
    pretend_running_sync_job(settings, running, 5)
    deadline = time.time() + tapjobs.SWEEP_EVERY + 10
    while phase(server, abandoned) == "EXECUTING" and time.time() < deadline:
        time.sleep(0.5)
    assert phase(server, abandoned) == "ERROR"
    error = requests.get(f"{server}{abandoned}/error", timeout=30).text
    assert "server process that ran this synchronous query stopped" in error
    assert phase(server, running) == "EXECUTING"
    # It must not hold a place of the running jobs after the test.
    update_job(settings, running, "phase = 'ABORTED'")
    for job in (abandoned, running):
        requests.delete(f"{server}{job}", allow_redirects=False, timeout=30)
