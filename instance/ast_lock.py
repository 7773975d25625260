"""One thread at a time in Python's parser of source text to ``ast`` objects, in
the DaCHS server.

CPython 3.11 counts the depth of the syntax tree it turns into Python
objects in state all threads share: a thread switch in the middle (a
finalizer run by the garbage collector) lets another thread's parse change
it, and the first one fails with ``SystemError: AST constructor recursion
depth mismatch``.  numpy parses dtype texts such as ``(3,)f8`` with
``ast.literal_eval``, cdflib builds one for each block of records it reads,
and the server slices CDF files in several threads: under load a DataLink
slice failed so.  :func:`serialize_parse` makes ``ast.parse``, on which
``literal_eval`` rests, take a lock.
"""

import ast
import functools
import threading

_LOCK = threading.RLock()


def serialize_parse():
    """Make ``ast.parse`` (hence ``ast.literal_eval``) run in one thread at a time;
    returns False if it already did."""
    if getattr(ast.parse, "serialized", False):
        return False
    original = ast.parse

    @functools.wraps(original)
    def parse(*args, **kwargs):
        with _LOCK:
            return original(*args, **kwargs)

    parse.serialized = True
    ast.parse = parse
    return True
