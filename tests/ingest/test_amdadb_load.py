"""Loading amdadb granules into PostgreSQL: atomic swap, incremental update, CLI.

These run against the instance's database (DaCHS's admin profile), in a
scratch schema of their own that they drop afterwards; the published tables
and views are only read, to copy their structure.
"""

import json
import os
import shutil
import subprocess
import sys
import threading
import time

import pytest

from ingest import amdadb, load
from spase import Catalog

from amdadb_samples import NOW, REPO, SAMPLE_CDF, SAMPLE_SPASE, SETTINGS

pytestmark = pytest.mark.integration
SCHEMA = f"cdpp_ingest_test_{os.getpid()}"


@pytest.fixture(scope="module")
def db(server):
    """A connection with a scratch schema holding empty tables and views like amdadb's.

    Loads there register the sample's files in dc.products under the same
    accrefs as the published table's: the published rows are put back after."""
    conn = load.connect()
    with conn:
        cur = conn.cursor()
        cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cur.execute(f"CREATE SCHEMA {SCHEMA}")
        load.copy_structure(cur, "amdadb", SCHEMA)
        cur.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO untrusted")
        cur.execute(f"GRANT SELECT ON {SCHEMA}.epn_core TO untrusted")
        cur.execute("SELECT * FROM dc.products WHERE sourcetable = 'amdadb.epn_core'")
        published = cur.fetchall()
    yield conn
    with conn:
        cur = conn.cursor()
        cur.execute(f"DROP SCHEMA {SCHEMA} CASCADE")
        cur.execute("DELETE FROM dc.products WHERE sourcetable = %s", (f"{SCHEMA}.epn_core",))
        for row in published:
            cur.execute(f"INSERT INTO dc.products VALUES ({', '.join(['%s'] * len(row))})"
                        " ON CONFLICT (accref) DO NOTHING", row)
    conn.close()


def mapped(spase_dir=SAMPLE_SPASE, data_dir=SAMPLE_CDF):
    return list(amdadb.map_catalog(Catalog.load(spase_dir), str(data_dir) if data_dir else None,
                                   now=NOW, settings=SETTINGS))


def query(conn, sql, args=()):
    with conn:
        cur = conn.cursor()
        cur.execute(sql, args)
        return cur.fetchall()


def summaries_match_granules(db):
    """Return True if each dataset's summary columns hold its granules' count, first
    time_min and last time_max, and the public_datasets view its public datasets."""
    stored = query(db, f"SELECT granule_gid, granule_count, first_time_min, last_time_max"
                       f" FROM {SCHEMA}.datasets ORDER BY granule_gid")
    counted = query(db, f"SELECT d.granule_gid, count(g.granule_uid)::int, min(g.time_min),"
                        f" max(g.time_max) FROM {SCHEMA}.datasets AS d LEFT JOIN"
                        f" {SCHEMA}.granules AS g USING (granule_gid)"
                        f" GROUP BY d.granule_gid ORDER BY d.granule_gid")
    public = query(db, f"SELECT granule_gid FROM {SCHEMA}.datasets WHERE is_public"
                       f" AND granule_count > 0 ORDER BY granule_gid")
    return stored == counted and public == query(
        db, f"SELECT granule_gid FROM {SCHEMA}.public_datasets ORDER BY granule_gid")


def test_full_load_swaps_in_complete_tables(db):
    result = load.full_load(db, mapped(), schema=SCHEMA)
    assert result == {"public": 5833, "restricted": 1998, "products": 1}
    assert query(db, f"SELECT count(*), count(DISTINCT granule_uid) FROM {SCHEMA}.epn_core") == [(5833, 5833)]
    assert query(db, f"SELECT count(*) FROM {SCHEMA}.epn_core WHERE granule_gid LIKE 'so-pas%%'") == [(0,)]
    assert query(db, f"SELECT DISTINCT granule_gid FROM {SCHEMA}.epn_core_restricted") == [("so-pas-momgr1",)]
    assert summaries_match_granules(db)
    assert ("so-pas-momgr1",) not in query(db, f"SELECT granule_gid FROM {SCHEMA}.public_datasets")
    assert query(db, f"SELECT count(*) FROM {SCHEMA}.granules") == [(5833 + 1998,)]
    row = query(db, f"SELECT target_name, target_class, instrument_host_name, time_min, access_format,"
                    f" file_name FROM {SCHEMA}.epn_core WHERE granule_uid = 'mms1-fgm-brst_20151016'")
    assert row == [("Earth", "planet", "MMS1", 2457311.5, "application/x-cdf",
                    "mms1_fgm_brst_l2_sample.cdf")]
    indexed = {r[0] for r in query(db, "SELECT indexdef FROM pg_indexes WHERE schemaname = %s",
                                   (SCHEMA,))}
    for table, method, columns in [("granules", "btree", "granule_uid"),
                                   ("granules", "btree", "granule_gid, time_min, time_max"),
                                   ("granules", "gist", "time_min, time_max"),
                                   ("datasets", "btree", "granule_gid")]:
        assert any(f" ON {SCHEMA}.{table} USING {method} ({columns})" in d for d in indexed), columns
    assert any(d.startswith("CREATE UNIQUE") and "granules USING btree (granule_uid)" in d
               for d in indexed)
    # Grants of the published views carry over to the re-created ones: TAP's
    # role reads the public granules only.
    grants = {view: query(db, "SELECT grantee, privilege_type FROM information_schema.role_table_grants"
                              " WHERE table_schema = %s AND table_name = %s", (SCHEMA, view))
              for view in ("epn_core", "epn_core_restricted", "public_datasets")}
    assert ("untrusted", "SELECT") in grants["epn_core"]
    assert ("untrusted", "SELECT") in grants["public_datasets"]
    assert ("untrusted", "SELECT") not in grants["epn_core_restricted"]
    assert query(db, "SELECT accesspath, mime FROM dc.products WHERE sourcetable = %s",
                 (f"{SCHEMA}.epn_core",)) == [
        ("amdadb/data/cdf/mms1-fgm-brst/mms1_fgm_brst_l2_sample.cdf", "application/x-cdf")]
    # Statistics are there after the load.
    assert query(db, "SELECT count(DISTINCT tablename) FROM pg_stats WHERE schemaname = %s"
                     " AND tablename IN ('granules', 'datasets')", (SCHEMA,)) == [(2,)]


def granule_indexes(db):
    return sorted(query(db, "SELECT i.indexdef, c.reloptions FROM pg_indexes i"
                            " JOIN pg_class c ON c.relname = i.indexname"
                            " JOIN pg_namespace n ON n.oid = c.relnamespace"
                            " AND n.nspname = i.schemaname"
                            " WHERE i.schemaname = %s AND i.tablename = 'granules'",
                        (SCHEMA,)))


def test_index_builds_leave_no_option_behind(db):
    """The time index may be built with buffering; the published index keeps no build
    option, and a published index with storage options is copied once, not twice."""
    load.full_load(db, mapped(), schema=SCHEMA)
    indexes = granule_indexes(db)
    assert len(indexes) == 3
    assert all(options is None for _, options in indexes)
    gist = query(db, "SELECT indexname FROM pg_indexes WHERE schemaname = %s"
                     " AND tablename = 'granules' AND indexdef LIKE '%%USING gist%%'", (SCHEMA,))
    assert len(gist) == 1
    with db:
        db.cursor().execute(f"ALTER INDEX {SCHEMA}.{gist[0][0]} SET (fillfactor = 80)")
    load.full_load(db, mapped(), schema=SCHEMA)
    indexes = granule_indexes(db)
    assert len(indexes) == 3
    assert [options for d, options in indexes if "USING gist" in d] == [["fillfactor=80"]]


def test_index_key_lists():
    assert load._key_list("gist (time_min, time_max) WITH (buffering='on')") == \
        "time_min, time_max"
    assert load._key_list("btree (lower(a), b) INCLUDE (c) WHERE (d > 0)") == "lower(a), b"


def test_the_view_shows_the_mapped_granules(db):
    """Every column of the view, for granules with a file, served by HAPI, first and
    last of their dataset, public or not, is the granule the mapping gives."""
    datasets = mapped()
    load.full_load(db, datasets, schema=SCHEMA)
    with db:
        cur = db.cursor()
        for ds in datasets:
            view = "epn_core" if ds.public else "epn_core_restricted"
            days = {0, len(ds) - 1, len(ds) // 2} | {
                (day - ds.first).days for day in ds.files if 0 <= (day - ds.first).days < len(ds)}
            for index in sorted(days):
                expected = ds.granule(index)
                cur.execute(f"SELECT * FROM {SCHEMA}.{view} WHERE granule_uid = %s",
                            (expected["granule_uid"],))
                names = [c.name for c in cur.description]
                got = dict(zip(names, cur.fetchone()))
                assert got == {name: expected[name] for name in names}, expected["granule_uid"]


def test_readers_see_the_old_or_the_new_table_never_a_mix(db):
    load.full_load(db, mapped(), schema=SCHEMA)
    small = [d for d in mapped() if d.dataset_id in ("ace-mag-real", "vo1-pws-data")]
    seen, stop = set(), threading.Event()

    def reader():
        conn = load.connect()
        while not stop.is_set():
            seen.add(query(conn, f"SELECT count(*) FROM {SCHEMA}.epn_core")[0][0])
        conn.close()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        time.sleep(0.2)
        load.full_load(db, small, schema=SCHEMA)
        time.sleep(0.2)
    finally:
        stop.set()
        thread.join()
    assert seen == {5833, 89 + 21}


def test_a_failed_load_leaves_the_published_table(db):
    load.full_load(db, mapped(), schema=SCHEMA)
    datasets = mapped()
    # A dataset given twice: its granules break the unique index on granule_uid.
    datasets.append(datasets[-1])
    with pytest.raises(load.LoadError, match="unchanged"):
        load.full_load(db, datasets, schema=SCHEMA)
    assert query(db, f"SELECT count(*) FROM {SCHEMA}.epn_core") == [(5833,)]
    for table in ("granules__loading", "datasets__loading"):
        assert query(db, "SELECT to_regclass(%s)", (f"{SCHEMA}.{table}",)) == [(None,)]


def test_incremental_update_rewrites_only_what_changed(db, tmp_path):
    load.full_load(db, mapped(), schema=SCHEMA)
    before = dict(query(db, f"SELECT granule_uid, xmin::text FROM {SCHEMA}.granules"))
    tree = tmp_path / "spase"
    shutil.copytree(SAMPLE_SPASE, tree)
    record = tree / "NumericalData" / "CDPP-AMDA" / "ACE" / "MFI" / "ace-mag-real.xml"
    record.write_text(record.read_text(encoding="utf-8").replace(
        "<StopDate>2025-10-17T07:59:59Z</StopDate>", "<StopDate>2025-10-27T07:59:59Z</StopDate>"),
        encoding="utf-8")
    (tree / "NumericalData" / "CDPP-AMDA" / "Voyager1" / "PWS" / "vo1-pws-data.xml").unlink()
    result = load.incremental_load(db, mapped(tree), schema=SCHEMA)
    assert result["changed"] == ["ace-mag-real"] and result["removed"] == ["vo1-pws-data"]
    assert result["public"] == 99
    after = dict(query(db, f"SELECT granule_uid, xmin::text FROM {SCHEMA}.granules"))
    assert len(after) == 5833 + 1998 + 10 - 21
    assert query(db, f"SELECT count(*) FROM {SCHEMA}.epn_core") == [(5833 + 10 - 21,)]
    assert query(db, f"SELECT count(*) FROM {SCHEMA}.datasets") == [(6,)]
    assert not any(uid.startswith("vo1-pws-data") for uid in after)
    untouched = [u for u in before if u.startswith(("mms1", "juno", "ros", "swarma"))]
    assert all(before[u] == after[u] for u in untouched)
    assert all(before.get(u) != after[u] for u in after if u.startswith("ace-mag-real"))
    assert summaries_match_granules(db)
    assert query(db, f"SELECT granule_count FROM {SCHEMA}.datasets"
                     " WHERE granule_gid = 'ace-mag-real'") == [(99,)]
    # Nothing changed: nothing rewritten.
    again = load.incremental_load(db, mapped(tree), schema=SCHEMA)
    assert (again["changed"], again["removed"], again["public"]) == ([], [], 0)


def test_a_table_filled_by_other_means_is_rebuilt(db):
    load.full_load(db, mapped(), schema=SCHEMA)
    with db:
        db.cursor().execute(f"DELETE FROM {SCHEMA}.granules WHERE granule_gid = 'juno-jadel5-heavmom'")
    result = load.incremental_load(db, mapped(), schema=SCHEMA)
    assert result["full"] is True
    assert query(db, f"SELECT count(*) FROM {SCHEMA}.epn_core") == [(5833,)]


def test_command_dry_run_report(tmp_path):
    report = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "ingest", "amdadb", "--spase", str(SAMPLE_SPASE),
                           "--data", str(SAMPLE_CDF), "--dry-run", "--report", str(report),
                           "--now", "2025-11-01T00:00:00Z"],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "granules: 5,833 public, 1,998 not public" in done.stdout
    assert "so-pas-momgr1: AccessRights PartiallyRestricted" in done.stdout
    data = json.loads(report.read_text(encoding="utf-8"))
    counts = {d["dataset_id"]: d["granules"] for d in data["datasets"]}
    assert counts["mms1-fgm-brst"] == 3226 and counts["ace-mag-real"] == 89
    mms = next(d for d in data["datasets"] if d["dataset_id"] == "mms1-fgm-brst")
    assert mms["first_row"]["granule_uid"] == "mms1-fgm-brst_20150901" and mms["skip_reason"] is None
    solo = next(d for d in data["datasets"] if d["dataset_id"] == "so-pas-momgr1")
    assert not solo["public"] and "PartiallyRestricted" in solo["skip_reason"]


def test_command_loads_the_table(db):
    done = subprocess.run([sys.executable, "-m", "ingest", "amdadb", "--spase", str(SAMPLE_SPASE),
                           "--data", str(SAMPLE_CDF), "--schema", SCHEMA, "--full"],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "loaded: full rebuild, 5,833 public and 1,998 restricted granules" in done.stdout
    assert query(db, f"SELECT count(*) FROM {SCHEMA}.epn_core") == [(5833,)]


def test_command_reports_a_missing_table():
    done = subprocess.run([sys.executable, "-m", "ingest", "amdadb", "--spase", str(SAMPLE_SPASE),
                           "--schema", "no_such_schema_here", "--full"],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 1
    assert "no_such_schema_here.granules does not exist" in done.stderr
