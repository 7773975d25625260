"""DaCHS's connection pools renewed by many threads at once (after PostgreSQL
restarts): every request still gets a working connection."""

import threading
import time

import pytest

from instance import dbpools


def hammer(manager, sqlsupport, threads=12, uses=150):
    """Uses ``manager`` from ``threads`` threads while the pools are marked stale
    again and again; returns the errors the uses met."""
    errors, stop = [], threading.Event()

    def use():
        for _ in range(uses):
            try:
                with manager() as conn:
                    cursor = conn.cursor()
                    cursor.execute("SELECT 1")
                    assert cursor.fetchall() == [(1,)]
            except Exception as error:  # what the test counts
                errors.append(f"{type(error).__name__}: {error}")

    def restarts():
        while not stop.is_set():
            sqlsupport.CustomConnectionPool.serverRestarted()
            time.sleep(0.002)

    marker = threading.Thread(target=restarts)
    users = [threading.Thread(target=use) for _ in range(threads)]
    marker.start()
    for user in users:
        user.start()
    for user in users:
        user.join(timeout=120)
    stop.set()
    marker.join(timeout=10)
    return errors


@pytest.mark.integration
def test_pools_renewed_by_threads_at_once(server):
    from gavo import base  # noqa: F401 (reads the DaCHS settings)
    from gavo.base import sqlsupport

    manager = dbpools.connection_manager(sqlsupport, "trustedquery", autocommitted=True)
    assert hammer(manager, sqlsupport) == []
    with manager() as conn:
        cursor = conn.cursor()
        cursor.execute("SELECT count(*) FROM amdadb.epn_core")
        assert cursor.fetchall()[0][0] > 0


@pytest.mark.integration
def test_install_replaces_the_managers_dachs_uses(server):
    from gavo import base
    from gavo.base import sqlsupport

    originals = {name: getattr(sqlsupport, name) for name, *_ in dbpools.MANAGERS}
    try:
        assert dbpools.install() == [name for name, *_ in dbpools.MANAGERS]
        assert base.getTableConn is sqlsupport.getTableConn is not originals["getTableConn"]
        with base.getWritableAdminConn() as conn:
            cursor = conn.cursor()
            cursor.execute("SELECT current_user")
            assert cursor.fetchall()
    finally:
        for name, manager in originals.items():
            setattr(sqlsupport, name, manager)
            setattr(base, name, manager)
