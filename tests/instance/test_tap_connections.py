"""Kept database connections of synchronous TAP queries (instance.tap_connections), on
the running instance's database, and the server's role settings."""

import pytest
import requests

from instance import postgres, tap_connections

pytestmark = pytest.mark.integration


def _pid(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchall()[0][0]


def postgres_text(text):
    """Return ``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _one(connection, sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()[0][0]


@pytest.fixture
def kept(server):
    from gavo import base
    pool = tap_connections.Kept(base.getDBConnection)
    yield pool
    for connection in pool.idle:
        pool._close(connection)


def test_a_connection_given_back_is_reset_and_handed_out_again(kept):
    first = kept.get("untrustedquery")
    pid = _pid(first)
    with first.cursor() as cursor:
        cursor.execute("SET statement_timeout = '1234ms'")
        cursor.execute("PREPARE kept_test AS SELECT 1")
    first.close()
    assert not first.closed and len(kept.idle) == 1
    again = kept.get("untrustedquery")
    assert again is first and _pid(again) == pid
    assert _one(again, "SHOW statement_timeout") == "0"
    assert _one(again, "SELECT count(*) FROM pg_prepared_statements") == 0
    again.close()
    again.close()  # a second close changes nothing
    assert kept.idle == [first]


def test_a_connection_holding_temporary_tables_is_closed(kept):
    """What a query with uploads leaves in its session goes with the connection."""
    connection = kept.get("untrustedquery")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE kept_test (x integer)")
    connection.commit()
    connection.close()
    assert connection.closed and kept.idle == []


def test_a_dead_connection_is_dropped_not_handed_out(kept):
    connection = kept.get("untrustedquery")
    pid = _pid(connection)
    connection.close()
    assert postgres.psql(f"SELECT pg_terminate_backend({pid})", database="gavo").stdout.strip() == "t"
    replacement = kept.get("untrustedquery")
    assert replacement is not connection and connection.closed
    assert _pid(replacement) != pid
    replacement.close()


def test_at_most_kept_connections_are_kept(kept):
    connections = [kept.get("untrustedquery") for _ in range(tap_connections.KEPT + 2)]
    for connection in connections:
        connection.close()
    assert len(kept.idle) == tap_connections.KEPT
    assert sum(c.closed for c in connections) == 2


def test_the_server_reuses_backends_for_synchronous_queries(server, settings):
    """Queries to one DaCHS process, one after the other, are answered by a backend kept
    from an earlier query (its last statement is the reset of a connection given back)."""
    dachs = f"http://127.0.0.1:{settings['CDPP_DACHS_PORT']}"
    for number in range(5):
        if number == 4:
            before_last = postgres.psql("SELECT clock_timestamp()", database="gavo").stdout.strip()
        answer = requests.post(dachs + "/tap/sync", timeout=60, data={
            "REQUEST": "doQuery", "LANG": "ADQL", "QUERY": "SELECT TOP 1 granule_uid FROM amdadb.epn_core"})
        assert answer.status_code == 200 and b'value="OK"' in answer.content
    kept_backends = postgres.psql(
        "SELECT count(*) FROM pg_stat_activity WHERE usename = 'untrusted' AND query = %s"
        f" AND backend_start < '{before_last}'" % postgres_text(tap_connections.RESET),
        database="gavo").stdout.strip()
    assert 1 <= int(kept_backends) <= tap_connections.KEPT * 8


def test_the_server_role_commits_without_waiting_for_the_disk(server):
    from gavo import base
    for profile, expected in (("trustedquery", "off"), ("admin", "on"), ("untrustedquery", "on")):
        connection = base.getDBConnection(profile)
        try:
            assert _one(connection, "SHOW synchronous_commit") == expected, profile
        finally:
            connection.close()
