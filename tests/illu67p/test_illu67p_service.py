"""The illu67p service on the running DaCHS instance: its table, its files
and previews, against the bundled sample."""

import os
import urllib.request

import pytest

import ingest.illu67p as illu67p
from ingest.illu67p import ephemeris

pytestmark = pytest.mark.integration

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(REPO, "resources", "illu67p", "data")


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers.get_content_type(), response.read()


def test_table_holds_the_bundled_sample(tap):
    table = tap.search("SELECT granule_uid, subsolar_latitude_min, illuminated_fraction,"
                       " time_min, c1min, c1max, c2min, c2max"
                       " FROM illu67p.epn_core").to_table()
    expected = {row["granule_uid"]: row for row in illu67p.granules(SAMPLE)}
    assert len(expected) >= 300
    assert {str(uid) for uid in table["granule_uid"]} == set(expected)
    obliquity = ephemeris.obliquity_deg()
    for row in table:
        mine = expected[str(row["granule_uid"])]
        assert row["subsolar_latitude_min"] == pytest.approx(mine["subsolar_latitude_min"])
        assert abs(row["subsolar_latitude_min"]) <= obliquity
        assert 0 < row["illuminated_fraction"] < 1
        assert ephemeris.ROSETTA_START.jd <= row["time_min"] <= ephemeris.ROSETTA_END.jd
        assert (row["c1min"], row["c1max"], row["c2min"], row["c2max"]) == (0, 360, -90, 90)


def test_custom_columns_are_described(tap):
    columns = tap.search("SELECT column_name, unit, ucd FROM tap_schema.columns"
                         " WHERE table_name = 'illu67p.epn_core'").to_table()
    described = {str(r["column_name"]): (str(r["unit"] or ""), str(r["ucd"])) for r in columns}
    assert described["illuminated_fraction"][1] == "phys.area;arith.ratio"
    assert described["subsolar_latitude_min"][0] == "deg"
    assert described["sun_distance_min"][0].lower() == "au"


def test_files_and_previews_are_served(tap):
    rows = tap.search("SELECT TOP 3 access_url, access_format, access_estsize, thumbnail_url,"
                      " file_name FROM illu67p.epn_core ORDER BY time_min").to_table()
    for row in rows:
        status, kind, body = fetch(str(row["access_url"]))
        assert status == 200 and kind == str(row["access_format"])
        with open(os.path.join(SAMPLE, str(row["file_name"])), "rb") as f:
            assert body == f.read()
        assert -(-len(body) // 1024) == row["access_estsize"]
        status, kind, body = fetch(str(row["thumbnail_url"]))
        assert status == 200 and kind == "image/png" and body.startswith(b"\x89PNG")
