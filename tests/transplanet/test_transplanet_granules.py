"""The transplanet products the generator writes and the granules the ingest
makes of them, including broken products."""

import math
import os
import re
import shutil
import subprocess

import numpy as np
import pytest
from astropy.io.votable import parse
from astropy.time import Time

import ingest.transplanet as transplanet
from instance import settings
from ingest.transplanet import generate, geometry, planets, product

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(REPO, "resources", "transplanet", "data")
CREATED = "2026-01-01T00:00:00"


@pytest.fixture(scope="module")
def products(tmp_path_factory):
    """Four generated runs and their granules."""
    out = tmp_path_factory.mktemp("transplanet")
    generate.generate(str(out), seed=11, count=4, created=CREATED)
    skipped = []
    rows = list(transplanet.granules(str(out), on_skip=lambda *a: skipped.append(a)))
    assert skipped == []
    return out, rows


def test_generator_is_deterministic(tmp_path, products):
    out, _ = products
    generate.generate(str(tmp_path), seed=11, count=4, created=CREATED)
    for name in os.listdir(out):
        if name.endswith(".xml"):
            assert (out / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_profiles_pass_votlint(products):
    out, rows = products
    for row in rows[:2]:
        result = subprocess.run(["stilts", "votlint", f"votable={out / row['file_name']}"],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0
        assert result.stdout.strip() == "" and "ERROR" not in result.stderr, result.stdout


def test_generator_covers_the_grid_evenly():
    grid_size = len(planets.PLANETS) * len(generate.LATITUDES) * len(generate.LOCAL_TIMES) \
        * len(generate.F107)
    runs = generate.conditions(2 * grid_size, seed=3)
    keys = [(p.name, lat, lt, f) for p, _, lat, lt, f in runs]
    assert len(set(keys)) == grid_size
    assert all(keys.count(k) == 2 for k in set(keys))
    assert len({epoch.isot for _, epoch, *_ in runs}) == len(runs)


def test_granule_fields_match_the_product(products):
    out, rows = products
    assert len(rows) == 4
    server = settings.load()["CDPP_SERVER_URL"]
    for row in rows:
        path = out / row["file_name"]
        table = parse(str(path)).get_first_table()
        params = {p.name: p.value for p in table.params}
        altitude = np.asarray(table.array["altitude"], dtype=float)
        planet = planets.PLANETS[row["target_name"]]
        epoch = Time(params["epoch"], scale="utc")
        assert row["time_min"] == row["time_max"] == pytest.approx(epoch.jd, abs=1e-9)
        assert row["c3min"] == pytest.approx(altitude.min()) == planet.altitude_min_km
        assert row["c3max"] == pytest.approx(altitude.max()) == planet.altitude_max_km
        assert row["c2min"] == row["c2max"] == params["latitude"]
        assert row["local_time_min"] == row["local_time_max"] == params["local_time"]
        sun = geometry.sun_geometry(planet, epoch, params["latitude"], params["local_time"])
        assert row["incidence_min"] == pytest.approx(sun.solar_zenith_angle, abs=1e-3)
        assert row["subsolar_latitude_min"] == pytest.approx(sun.subsolar_latitude, abs=1e-3)
        assert row["sun_distance_min"] == pytest.approx(sun.sun_distance_au, abs=1e-5)
        assert row["target_class"] == "planet"
        assert row["dataproduct_type"] == "pr"
        assert row["spatial_frame_type"] == "body"
        assert row["instrument_name"] == "Transplanet 1.0"
        assert row["species"].split("#") == ["e-"] + [ion.name for ion in planet.ions]
        assert row["access_estsize"] == math.ceil(os.path.getsize(path) / 1024)
        assert row["access_url"].startswith(server + "/getproduct/transplanet/data/")
        assert row["datalink_url"].startswith(server + "/transplanet/q/dl/dlmeta?ID=")
        assert row["thumbnail_url"] == row["access_url"] + "?preview=True"
        # The electron density is the sum of the ion densities.
        ions = sum(np.asarray(table.array[f"n_{ion.name}"], dtype=float) for ion in planet.ions)
        assert np.allclose(np.asarray(table.array["n_e"], dtype=float), ions, rtol=1e-5)


def test_altitude_slice_keeps_the_rows_of_the_range(products, tmp_path):
    out, rows = products
    path = str(out / rows[0]["file_name"])
    full = product.read_profile(path)
    low, high = rows[0]["c3min"] + 100.0, rows[0]["c3min"] + 300.0
    target = tmp_path / "slice.xml"
    target.write_bytes(product.altitude_slice(path, low, high))
    part = product.read_profile(str(target))
    keep = (full.columns["altitude"] >= low) & (full.columns["altitude"] <= high)
    assert keep.sum() >= 3
    assert part.params == full.params
    for name, values in full.columns.items():
        assert np.array_equal(part.columns[name], values[keep], equal_nan=True)
    with pytest.raises(ValueError):
        product.altitude_slice(path, 1e6, 2e6)


def _copy(products, tmp_path):
    out, rows = products
    for name in os.listdir(out):
        shutil.copy(out / name, tmp_path / name)
    return sorted(row["file_name"] for row in rows)


def test_broken_products_are_reported_and_skipped(products, tmp_path):
    names = _copy(products, tmp_path)
    # 1: not XML any more; 2: a PARAM missing; 3: no preview; 4: bad latitude.
    text = (tmp_path / names[0]).read_text()
    (tmp_path / names[0]).write_text(text[:len(text) // 2])
    text = (tmp_path / names[1]).read_text()
    start = text.index('<PARAM ID="epoch"')
    end = text.index("</PARAM>", start) + len("</PARAM>")
    (tmp_path / names[1]).write_text(text[:start] + text[end:])
    os.remove(tmp_path / names[2].replace(".xml", ".png"))
    text = (tmp_path / names[3]).read_text()
    (tmp_path / names[3]).write_text(text.replace('name="latitude"', 'name="latitude_x"', 1))
    skipped = {}
    rows = list(transplanet.granules(str(tmp_path), on_skip=lambda n, r: skipped.setdefault(n, r)))
    assert rows == []
    assert "not a readable VOTable" in skipped[names[0]]
    assert "PARAM epoch missing" in skipped[names[1]]
    assert "preview" in skipped[names[2]] and "missing" in skipped[names[2]]
    assert "PARAM latitude missing" in skipped[names[3]]


def test_stray_files_are_reported(products, tmp_path):
    names = _copy(products, tmp_path)
    os.remove(tmp_path / names[0])
    (tmp_path / "run.csv").write_text("altitude,n_e")
    skipped = {}
    rows = list(transplanet.granules(str(tmp_path), on_skip=lambda n, r: skipped.setdefault(n, r)))
    assert len(rows) == 3
    assert set(skipped) == {names[0].replace(".xml", ".png"), "run.csv"}
    assert "preview without its product" in skipped[names[0].replace(".xml", ".png")]
    assert "not a product of transplanet" in skipped["run.csv"]


def test_one_broken_product_leaves_the_others(products, tmp_path):
    names = _copy(products, tmp_path)
    (tmp_path / names[1]).write_text("<VOTABLE>")
    skipped = []
    rows = list(transplanet.granules(str(tmp_path), on_skip=lambda *a: skipped.append(a)))
    assert sorted(row["file_name"] for row in rows) == [n for n in names if n != names[1]]
    assert [name for name, _ in skipped] == [names[1]]


def test_products_must_say_what_their_names_say(products, tmp_path):
    names = _copy(products, tmp_path)
    text = (tmp_path / names[0]).read_text()
    changed = re.sub(r'(<PARAM ID="f107"[^>]* value=")', r"\g<1>1", text, count=1)
    assert changed != text
    (tmp_path / names[0]).write_text(changed)
    os.rename(tmp_path / names[1], tmp_path / names[1].replace("_f", "_g"))
    skipped = {}
    rows = list(transplanet.granules(str(tmp_path), on_skip=lambda n, r: skipped.setdefault(n, r)))
    assert len(rows) == 2
    assert "does not match the run's planet, epoch, latitude, local time and F10.7" in skipped[names[0]]
    assert "preview" in skipped[names[1].replace("_f", "_g")]


def test_bundled_sample():
    skipped = []
    rows = list(transplanet.granules(SAMPLE, on_skip=lambda *a: skipped.append(a)))
    assert skipped == []
    assert len(rows) >= 300
    assert len({row["granule_uid"] for row in rows}) == len(rows)
    assert {row["target_name"] for row in rows} == set(planets.PLANETS)
