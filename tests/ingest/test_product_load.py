"""Loading the product services (illu67p, transplanet): one transaction that
swaps a new table in, the products registered, broken products reported.

The loads run in a scratch schema of their own, dropped afterwards."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from ingest import illu67p, load
from instance.settings import REPO

SAMPLE = REPO / "resources" / "illu67p" / "data"
SCHEMA = f"cdpp_product_test_{os.getpid()}"


@pytest.fixture(scope="module")
def db(server):
    """A connection with a scratch schema holding an empty epn_core like illu67p's."""
    conn = load.connect()
    with conn:
        cur = conn.cursor()
        cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cur.execute(f"CREATE SCHEMA {SCHEMA}")
        cur.execute(f"CREATE TABLE {SCHEMA}.epn_core (LIKE illu67p.epn_core INCLUDING DEFAULTS"
                    " INCLUDING CONSTRAINTS)")
        cur.execute(f"CREATE INDEX {SCHEMA}_time_min ON {SCHEMA}.epn_core (time_min)")
        cur.execute(f"GRANT SELECT ON {SCHEMA}.epn_core TO untrusted")
    yield conn
    with conn:
        conn.cursor().execute(f"DROP SCHEMA {SCHEMA} CASCADE")
        conn.cursor().execute("DELETE FROM dc.products WHERE sourcetable = %s",
                              (f"{SCHEMA}.epn_core",))
    conn.close()


def scratch_granules():
    """The sample's granules, their products under accrefs of the scratch schema
    (the published table's products stay as they are)."""
    return [dict(row, prodtblAccref=f"{SCHEMA}/{row['prodtblAccref']}")
            for row in illu67p.granules(SAMPLE)]


def query(conn, sql, args=()):
    with conn:
        cur = conn.cursor()
        cur.execute(sql, args)
        return cur.fetchall()


@pytest.mark.integration
def test_load_swaps_in_every_granule_with_its_products(db):
    rows = scratch_granules()
    assert load.replace_rows(db, rows, SCHEMA) == len(rows) == 300
    assert query(db, f"SELECT count(DISTINCT granule_uid) FROM {SCHEMA}.epn_core") == [(300,)]
    products = query(db, "SELECT accref, preview FROM dc.products WHERE sourcetable = %s",
                     (f"{SCHEMA}.epn_core",))
    assert sorted(a for a, _ in products) == sorted(r["prodtblAccref"] for r in rows)
    assert all(p.endswith(".png") for _, p in products)
    indexed = query(db, "SELECT indexdef FROM pg_indexes WHERE schemaname = %s", (SCHEMA,))
    assert any("(time_min)" in d for (d,) in indexed)
    assert query(db, "SELECT has_table_privilege('untrusted', %s, 'SELECT')",
                 (f"{SCHEMA}.epn_core",)) == [(True,)]


@pytest.mark.integration
def test_failed_load_leaves_the_table_as_it_was(db):
    rows = scratch_granules()
    load.replace_rows(db, rows[:10], SCHEMA)
    broken = [dict(r) for r in rows]
    broken[-1]["time_min"] = "not a Julian date"
    with pytest.raises(load.LoadError) as error:
        load.replace_rows(db, broken, SCHEMA)
    assert f"{SCHEMA}.epn_core is unchanged" in str(error.value)
    assert query(db, f"SELECT count(*) FROM {SCHEMA}.epn_core") == [(10,)]
    assert query(db, "SELECT count(*) FROM pg_tables WHERE schemaname = %s"
                 " AND tablename LIKE '%%loading%%'", (SCHEMA,)) == [(0,)]


def test_dry_run_reports_broken_products_and_goes_on(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    victim = sorted(data.glob("*.fits"))[0]
    victim.write_bytes(victim.read_bytes()[:500])
    report = tmp_path / "report.json"
    result = subprocess.run([sys.executable, "-m", "ingest", "illu67p", "--data", data,
        "--dry-run", "--report", report], cwd=REPO, capture_output=True, encoding="utf-8")
    assert result.returncode == 0, result.stderr
    content = json.loads(report.read_text(encoding="utf-8"))
    assert content["totals"] == {"granules": 299, "skipped": 1}
    assert content["skipped"][0]["name"] == victim.name
    assert content["skipped"][0]["reason"]
    assert f"  {victim.name}: " in result.stdout
    assert "nothing loaded" in result.stdout
    assert sum(d["granules"] for d in content["datasets"]) == 299
