"""The transplanet service on the running DaCHS instance: its table, its
files and previews, against the bundled sample."""

import io
import os
import urllib.request

import numpy as np
import pytest
from astropy.io.votable import parse

import ingest.transplanet as transplanet
from ingest.transplanet import planets

pytestmark = pytest.mark.integration

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(REPO, "resources", "transplanet", "data")


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers.get_content_type(), response.read()


def test_table_holds_the_bundled_sample(tap):
    table = tap.search("SELECT granule_uid, target_name, c2min, c3min, c3max, local_time_min,"
                       " f107, model_name, model_version FROM transplanet.epn_core").to_table()
    expected = {row["granule_uid"]: row for row in transplanet.granules(SAMPLE)}
    assert len(expected) >= 300
    assert {str(uid) for uid in table["granule_uid"]} == set(expected)
    assert {str(t) for t in table["target_name"]} == set(planets.PLANETS)
    for row in table:
        mine = expected[str(row["granule_uid"])]
        planet = planets.PLANETS[str(row["target_name"])]
        assert (row["c3min"], row["c3max"]) == (planet.altitude_min_km, planet.altitude_max_km)
        assert row["c2min"] == mine["c2min"] and row["local_time_min"] == mine["local_time_min"]
        assert row["f107"] == mine["f107"]
        assert (str(row["model_name"]), str(row["model_version"])) == ("Transplanet", "1.0")


def test_custom_columns_are_described(tap):
    columns = tap.search("SELECT column_name, unit, ucd FROM tap_schema.columns"
                         " WHERE table_name = 'transplanet.epn_core'").to_table()
    described = {str(r["column_name"]): (str(r["unit"] or ""), str(r["ucd"])) for r in columns}
    assert described["f107"] == ("1e-22W.m**-2.Hz**-1", "phot.flux.density;em.radio")
    assert described["local_time_min"][0] == "h"
    assert described["c3min"][0] == "km"


def test_served_profiles_show_the_day_side_peak(tap):
    rows = tap.search("SELECT access_url, access_format, thumbnail_url, target_name"
                      " FROM transplanet.epn_core WHERE incidence_min < 30"
                      " AND f107 = 130").to_table()
    assert len(rows) >= 1
    for row in rows[:3]:
        status, kind, body = fetch(str(row["access_url"]))
        assert status == 200 and kind == str(row["access_format"])
        table = parse(io.BytesIO(body)).get_first_table()
        n_e = np.asarray(table.array["n_e"], dtype=float)
        assert n_e.max() > 1e4
        status, kind, body = fetch(str(row["thumbnail_url"]))
        assert status == 200 and kind == "image/png" and body.startswith(b"\x89PNG")
