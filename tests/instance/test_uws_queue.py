"""The TAP service's queue counts the asynchronous jobs it runs, not the
synchronous queries (pid -1) in the same jobs table."""

import pytest

from instance import postgres, uws_queue

JOB = "cdpp-test-sync-row"


def executing(settings, where):
    out = postgres.psql(f"SELECT count(*) FROM tap_schema.tapjobs WHERE phase = 'EXECUTING' AND {where}",
                        database=settings["CDPP_DB_NAME"]).stdout
    return int(out)


@pytest.mark.integration
def test_synchronous_rows_do_not_count_as_running(server, settings):
    from gavo import api  # noqa: F401 (DaCHS with its RD cache, as in the server)
    from gavo.protocols import tap, uws

    original = uws.UWS._makeStatementsCache
    try:
        assert uws_queue.install() and not uws_queue.install()
        tap.WORKER_SYSTEM._statementsCache = None
        postgres.psql(f"INSERT INTO tap_schema.tapjobs (jobid, phase, pid, executionduration, destructiontime)"
                      f" VALUES ('{JOB}', 'EXECUTING', -1, 60, now() + interval '1 hour')",
                      database=settings["CDPP_DB_NAME"])
        assert executing(settings, "pid = -1") >= 1
        assert tap.WORKER_SYSTEM.countRunningJobs() == executing(settings, "(pid IS NULL OR pid > 1)")
    finally:
        postgres.psql(f"DELETE FROM tap_schema.tapjobs WHERE jobid = '{JOB}'", database=settings["CDPP_DB_NAME"])
        uws.UWS._makeStatementsCache = original
        tap.WORKER_SYSTEM._statementsCache = None
