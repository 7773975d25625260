"""DaCHS's database connection pools, renewed safely after PostgreSQL restarts.

DaCHS (``gavo.base.sqlsupport``) keeps one pool of connections per database
profile; after an error that looks like a database restart it marks every
pool stale, and the next request closes the stale pool and makes a new one.
That step takes no lock: requests arriving together after PostgreSQL came
back close one another's new pools, and a closed pool left in place answers
"connection pool is closed" to every request until the server restarts.

:func:`install` replaces DaCHS's six connection managers (``getTableConn``,
``getAdminConn``, ``getUntrustedConn`` and their ``getWritable`` forms) by
managers that renew a stale or closed pool under a lock, close the idle
connections of the pool they drop, and close, instead of returning, the
connections that come back to it.  The pools themselves are DaCHS's
(``CustomConnectionPool``), and DaCHS's own check of an error (an
``OperationalError`` without a PostgreSQL code) still marks them stale.
"""

import contextlib
import threading

#: DaCHS's managers: (name, database profile, autocommitted, one connection kept).
MANAGERS = (
    ("getUntrustedConn", "untrustedquery", True, False),
    ("getTableConn", "trustedquery", True, False),
    ("getAdminConn", "admin", True, True),
    ("getWritableUntrustedConn", "untrustedquery", False, True),
    ("getWritableTableConn", "trustedquery", False, True),
    ("getWritableAdminConn", "admin", False, True),
)


def pool_sizes(singleton):
    """Returns the (minimum, maximum) connections of a pool as this DaCHS makes
    them: ``[db]poolSize`` (or one connection) and 200 on DaCHS 2.11, 2 and 20
    on DaCHS 2.7, which has no such setting."""
    from gavo import base
    try:
        size = int(base.getConfig("db", "poolSize"))
    except Exception:  # DaCHS 2.7: NoConfigItem
        return 2, 20
    return (1 if singleton else size), 200


def _close(connection):
    try:
        connection.close()
    except Exception:  # already closed or broken: nothing more to free
        pass


def connection_manager(sqlsupport, profile, autocommitted, minconn=2, maxconn=20):
    """Returns a context manager giving a connection of ``profile`` from a pool
    that is made again, under a lock, once it is stale or closed (its ``pool``
    attribute, as DaCHS's, is the list holding the current pool)."""
    import psycopg2
    import psycopg2.pool

    lock = threading.Lock()
    current = []

    def checkout():
        """Returns (pool, connection), the pool made again first if it is stale or closed."""
        with lock:
            if current and (current[0].stale or current[0].closed):
                dropped = current.pop()
                for idle in list(getattr(dropped, "_pool", ())):
                    _close(idle)
            if not current:
                current.append(sqlsupport.CustomConnectionPool(minconn, maxconn, profile, autocommitted))
            return current[0], current[0].getconn()

    def give_back(owner, connection, close):
        with lock:
            renewed = not current or current[0] is not owner
        if renewed or owner.closed:
            _close(connection)
            return
        try:
            owner.putconn(connection, close=close)
        except (psycopg2.InterfaceError, psycopg2.pool.PoolError):
            _close(connection)

    @contextlib.contextmanager
    def connection():
        owner, conn = checkout()
        try:
            yield conn
        except Exception as error:
            if isinstance(error, psycopg2.OperationalError) and error.pgcode is None:
                sqlsupport.CustomConnectionPool.serverRestarted()
            give_back(owner, conn, close=True)
            raise
        if not autocommitted:
            try:
                conn.commit()
            except Exception:
                give_back(owner, conn, close=True)
                raise
        give_back(owner, conn, close=conn.closed)

    connection.pool = current
    return connection


def install():
    """Replaces DaCHS's connection managers (in ``gavo.base`` and
    ``gavo.base.sqlsupport``) by :func:`connection_manager`'s; returns their names."""
    from gavo import base
    from gavo.base import sqlsupport

    replaced = []
    for name, profile, autocommitted, singleton in MANAGERS:
        if not hasattr(sqlsupport, name):
            continue
        manager = connection_manager(sqlsupport, profile, autocommitted, *pool_sizes(singleton))
        setattr(sqlsupport, name, manager)
        if hasattr(base, name):
            setattr(base, name, manager)
        replaced.append(name)
    return replaced
