"""Database connections of synchronous TAP queries kept open between queries.

DaCHS's server opens a new connection for every synchronous TAP query
(``taprunner.getQTableFromJob``) and closes it once the result is written:
a PostgreSQL backend started, authenticated with SCRAM and ended for each
query, about 6 ms of both processes' time on these hosts.  :func:`install`
gives ``taprunner`` a ``getDBConnection`` that hands out a kept connection
of the same profile instead, checked with a round trip first (one that died
with a PostgreSQL restart is dropped, not handed out), and whose ``close``
gives it back: rolled back and reset (:data:`RESET`: settings, cursors and
prepared statements go), then kept for the next query, up to :data:`KEPT`
per profile; one holding temporary tables (a query with uploads) is closed.
Asynchronous jobs run in ``gavo taprun`` processes of their own and are not
concerned.

At 4 M granules, about one query in five that returns 200 whole rows on a
kept connection waits about 100 ms more than the others, which queries on new
connections do not; PostgreSQL logs no statement that slow, and the reset
(this one or ``DISCARD ALL``) makes no difference.
"""

import threading

#: Idle connections kept per database profile in one server process.
KEPT = 4
#: What a connection given back is reset with (settings, cursors, prepared
#: statements, advisory locks); it tells whether the session holds temporary
#: tables (uploads), and such a connection is closed rather than kept.
RESET = ("RESET ALL; CLOSE ALL; DEALLOCATE ALL; SELECT pg_advisory_unlock_all();"
         " SELECT EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = pg_my_temp_schema())")


class Kept:
    """The idle connections of one profile, and the hand-out and give-back of them."""

    def __init__(self, connect):
        self.connect = connect
        self.idle = []
        self.lock = threading.Lock()

    @staticmethod
    def _close(connection):
        try:
            type(connection).close(connection)
        except Exception:  # already closed or broken: nothing more to free
            pass

    def get(self, profile):
        """Return a working connection of ``profile``: a kept one, else a new one."""
        while True:
            with self.lock:
                connection = self.idle.pop() if self.idle else None
            if connection is None:
                connection = self.connect(profile)
                break
            try:
                cursor = connection.cursor()
                cursor.execute("SELECT 1")
                cursor.close()
                connection.rollback()
                break
            except Exception:  # died with its backend (a PostgreSQL restart): drop it
                self._close(connection)
        connection.close = lambda: self.give_back(connection)
        return connection

    def give_back(self, connection):
        """Reset ``connection`` and keep it, or close it if it is broken or enough are kept."""
        if connection.__dict__.pop("close", None) is None:  # given back before
            return
        try:
            if connection.closed:
                return
            connection.rollback()
            autocommit = connection.autocommit
            connection.autocommit = True
            cursor = connection.cursor()
            cursor.execute(RESET)
            [(has_temporary,)] = cursor.fetchall()
            cursor.close()
            connection.autocommit = autocommit
        except Exception:  # a broken connection is not kept
            self._close(connection)
            return
        if has_temporary:
            self._close(connection)
            return
        with self.lock:
            if len(self.idle) < KEPT:
                self.idle.append(connection)
                return
        self._close(connection)


class RunnerBase:
    """What DaCHS's TAP runner sees as ``gavo.base``: the module itself, but its
    ``getDBConnection`` hands out kept connections."""

    def __init__(self, module):
        self._module = module
        self.kept = {}
        self._lock = threading.Lock()

    def __getattr__(self, name):
        return getattr(self._module, name)

    def getDBConnection(self, profile, *args, **kwargs):
        if args or kwargs:
            return self._module.getDBConnection(profile, *args, **kwargs)
        with self._lock:
            kept = self.kept.setdefault(profile, Kept(self._module.getDBConnection))
        return kept.get(profile)


def install():
    """Gives DaCHS's TAP runner kept connections (see the module); returns False if it has them."""
    from gavo.protocols import taprunner

    if isinstance(taprunner.base, RunnerBase):
        return False
    taprunner.base = RunnerBase(taprunner.base)
    return True
