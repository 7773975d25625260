"""The venv's ``dachs`` and ``gavo`` commands: DaCHS's own command line (under both
its names), with two additions to its web server (``dachs serve start``).

Several server processes share one gavo.rc behind the proxy (instance.server):
each is given its port in the environment variable CDPP_DACHS_SERVE_PORT,
which replaces ``[web]serverPort`` for that process (``serverURL``, the public
address, is the same for all of them).

The server runs ``gavo taprun`` for each asynchronous TAP job, found on its
PATH: the venv's bin directory comes first there (instance.dachs.dachs_env), so
that the job loads the RDs with the venv's Python, which imports the project's
packages.

Each server process also puts the synchronous TAP jobs that a stopped process
left in EXECUTING to ERROR (instance.tapjobs), so that they no longer hold
asynchronous jobs in the queue.

Thirty seconds after the server starts, once DaCHS has loaded the RDs of its
published services (``[web]preloadPublishedRDs``, gavo.rc), the objects alive
then (modules, RDs, caches: about 170,000) are taken out of the passes of Python's cyclic garbage
collector (``gc.freeze``).  A full pass over them takes about 150 ms; it fell
on about one TAP request in twenty, whose latency it tripled.  Every hour they
are put back for one full pass and frozen again, so that RDs DaCHS dropped
since (after a ``dachs imp``, say) are freed and those it loaded are frozen.

In the server, Python's ``ast.parse`` runs in one thread at a time
(instance.ast_lock: CPython 3.11 fails when threads parse at once), and
DaCHS's database connection pools are made again under a lock once
PostgreSQL restarted (instance.dbpools: without it, a server could answer
"connection pool is closed" until it was restarted), and the queue of
asynchronous TAP jobs does not count the synchronous queries
(instance.uws_queue) and a job's result is served once it is complete
(instance.uws_results).  Synchronous TAP queries reuse database connections
instead of opening one each (instance.tap_connections).

The server and ``gavo taprun`` answer the discovery queries of amdadb.epn_core
(counts, distinct values, per-dataset summaries) from its datasets table
(instance.discovery).
"""

import gc
import os
import sys

#: Seconds after the server's reactor starts; DaCHS starts loading the RDs of
#: published services one second after that, in a thread, and takes a few.
FREEZE_AFTER = 30
#: Seconds between two passes over all objects.
REFREEZE_EVERY = 3600


def freeze():
    """Put frozen objects back, collect what is garbage, then leave every object
    still alive out of the collector's passes; log how many."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    print(f"dachs serve (pid {os.getpid()}): {gc.get_freeze_count()} objects left out of"
          " the garbage collector's passes", flush=True)


def _schedule_freezes():
    from twisted.internet import task
    task.LoopingCall(freeze).start(REFREEZE_EVERY, now=True)


#: The environment variable holding the port of one server process.
PORT_VARIABLE = "CDPP_DACHS_SERVE_PORT"


def main():
    from gavo.user import cli
    if sys.argv[1:3] == ["serve", "start"]:
        from . import ast_lock, dbpools, tap_connections, uws_queue, uws_results
        ast_lock.serialize_parse()
        dbpools.install()
        tap_connections.install()
        uws_queue.install()
        uws_results.install()
        if os.environ.get(PORT_VARIABLE):
            from gavo import base
            base.setConfig("web", "serverPort", os.environ[PORT_VARIABLE])
        from twisted.internet import reactor
        from . import tapjobs
        reactor.callWhenRunning(reactor.callLater, FREEZE_AFTER, _schedule_freezes)
        reactor.callWhenRunning(tapjobs.schedule)
    if {"serve", "taprun"} & set(sys.argv[1:4]):  # async jobs: "gavo --ui stingy taprun"
        from . import discovery
        discovery.install()
    return cli.main()
