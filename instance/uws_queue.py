"""The queue of asynchronous TAP jobs counts asynchronous jobs only.

DaCHS runs a synchronous TAP query as a job of the same jobs table, in
phase EXECUTING with the pid -1 while it runs, and starts a queued
asynchronous job only while fewer than ``[async]maxTAPRunning`` (2) jobs
are EXECUTING.  Two synchronous queries at a time therefore hold back every
asynchronous job (under load TOPCAT's jobs waited seconds in QUEUED), and
a synchronous query cut off by a PostgreSQL restart or a server stop stays
EXECUTING until instance.tapjobs sweeps it, a minute past its execution
time: after a PostgreSQL outage under load, asynchronous jobs stayed QUEUED
meanwhile.

:func:`install` makes the TAP service's count of running jobs leave out
those run inside the server (pid below 2, as DaCHS's own check of hung jobs
does).
"""

#: The jobs that count against [async]maxTAPRunning: not those run in the server.
RUNNING = "phase='EXECUTING' AND (pid IS NULL OR pid > 1)"


def install():
    """Makes the TAP UWS count only the jobs it started in processes of their own;
    returns False if that was done before."""
    from gavo.protocols import uws

    original = uws.UWS._makeStatementsCache
    if getattr(original, "counts_own_processes", False):
        return False

    def _makeStatementsCache(self):
        statements = original(self)
        from gavo import base, rsc, svcs
        from gavo.protocols import tap

        if isinstance(self, tap.TAPUWS):
            count = base.makeStruct(svcs.OutputField, name="count", type="integer",
                                    select="count(*)", required=True)
            with base.getTableConn() as conn:
                jobs = rsc.TableForDef(self.jobClass.jobsTD, connection=conn)
                statements["countRunning"] = jobs.getQuery([count], RUNNING)
        return statements

    _makeStatementsCache.counts_own_processes = True
    uws.UWS._makeStatementsCache = _makeStatementsCache
    return True
