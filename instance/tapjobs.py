"""Synchronous TAP queries left behind by a server process that stopped.

DaCHS runs each synchronous TAP query as a UWS job in EXECUTING with the pid
-1, and counts it among the running jobs, which ``[async]maxTAPRunning``
limits: asynchronous jobs stay QUEUED while that many run.  A server process
that stops (a restart, a crash) while it answers one leaves its job in
EXECUTING until the job's destruction time, two days later, and DaCHS, which
cannot tell whether another process still runs it, keeps counting it.  With
several server processes, one restarts while the others answer, so this
happens more often.

No synchronous query runs longer than its execution duration (DaCHS cancels
it), so a job still in EXECUTING GRACE seconds after that is one nobody runs:
each server process puts such jobs to ERROR every SWEEP_EVERY seconds.
"""

#: Seconds past a synchronous job's execution duration after which it is abandoned.
GRACE = 60
#: Seconds between two sweeps of a server process.
SWEEP_EVERY = 10

ABANDONED = """SELECT jobid FROM tap_schema.tapjobs
WHERE phase = 'EXECUTING' AND pid = -1
  AND COALESCE(starttime, creationtime)
      < (now() AT TIME ZONE 'UTC') - make_interval(secs => COALESCE(executionduration, 0) + %(grace)s)"""


def abandoned_sync_jobs():
    """Returns the ids of the synchronous TAP jobs nobody runs any longer."""
    from gavo import base
    with base.getTableConn() as conn:
        return [row[0] for row in conn.query(ABANDONED, {"grace": GRACE})]


def sweep():
    """Puts every abandoned synchronous TAP job to ERROR (which lets queued
    asynchronous jobs start); returns their ids."""
    from gavo import base
    from gavo.protocols import tap, uws
    swept = []
    for job_id in abandoned_sync_jobs():
        try:
            tap.WORKER_SYSTEM.changeToPhase(job_id, uws.ERROR, uws.UWSError(
                "The server process that ran this synchronous query stopped.", job_id))
            swept.append(job_id)
        except uws.JobNotFound:
            pass
    if swept:
        base.ui.notifyInfo(f"Put abandoned synchronous TAP jobs to ERROR: {', '.join(swept)}")
    return swept


def schedule():
    """Runs sweep every SWEEP_EVERY seconds in a thread of the running reactor."""
    from twisted.internet import task, threads

    def run():
        threads.deferToThread(sweep).addErrback(
            lambda failure: print(f"sweep of abandoned TAP jobs failed: {failure.value}",
                flush=True))
    task.LoopingCall(run).start(SWEEP_EVERY, now=True)
