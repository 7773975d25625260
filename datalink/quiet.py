"""Warnings silenced or collected without touching those of other threads.

``warnings.catch_warnings`` swaps the process-wide filter list, and the
DaCHS server slices files in several threads beside its reactor's: a
``simplefilter("error")`` in one thread turned a warning of another into an
exception (a DataLink slice answered 500 under load), and two blocks
ending in the wrong order left a filter in place for good.  Here blocks
take one lock, never turn warnings into errors, and collect the warnings
they want to know about instead.
"""

import contextlib
import threading
import warnings

_LOCK = threading.RLock()


@contextlib.contextmanager
def ignored(category=Warning, message=""):
    """A context in which warnings of ``category`` whose text matches the regular
    expression ``message`` are not shown."""
    with _LOCK, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=message, category=category)
        yield


@contextlib.contextmanager
def collected(category=Warning):
    """A context yielding a list that holds, once it ends, the warnings of ``category``
    raised inside it (shown nowhere, raised never)."""
    found = []
    with _LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield found
    found.extend(w for w in caught if issubclass(w.category, category))
