"""The venv's ``dachs`` command: DaCHS's own command line, with one addition to
its web server (``dachs serve start``).

Two seconds after the server starts, once DaCHS has loaded the RDs of
``[web]preloadRDs`` (gavo.rc), the objects alive then (modules, RDs, caches:
about 180,000) are taken out of the passes of Python's cyclic garbage
collector (``gc.freeze``).  A full pass over them takes about 150 ms; it fell
on about one TAP request in twenty, whose latency it tripled.
"""

import gc
import os
import sys

#: Seconds after the server's reactor starts; DaCHS loads [web]preloadRDs one
#: second after that, in the same thread.
FREEZE_AFTER = 2


def freeze():
    """Collect what is garbage now, then leave every object still alive out of the
    collector's passes; log how many."""
    gc.collect()
    gc.freeze()
    print(f"dachs serve (pid {os.getpid()}): {gc.get_freeze_count()} objects left out of"
          " the garbage collector's passes", flush=True)


def main():
    from gavo.user import cli
    if sys.argv[1:3] == ["serve", "start"]:
        from twisted.internet import reactor
        reactor.callWhenRunning(reactor.callLater, FREEZE_AFTER, freeze)
    return cli.main()
