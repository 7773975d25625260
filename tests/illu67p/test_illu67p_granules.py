"""The illu67p products the generator writes and the granules the ingest
makes of them, including broken products."""

import io
import math
import os
import shutil

import numpy as np
import pytest
from astropy.io import fits
from astropy.time import Time

import ingest.illu67p as illu67p
from instance import settings
from ingest.illu67p import ephemeris, generate, product, shape

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(REPO, "resources", "illu67p", "data")
CREATED = "2026-01-01T00:00:00"


@pytest.fixture(scope="module")
def products(tmp_path_factory):
    """Four generated maps and their granules."""
    out = tmp_path_factory.mktemp("illu67p")
    generate.generate(str(out), seed=5, count=4, created=CREATED)
    skipped = []
    rows = list(illu67p.granules(str(out), on_skip=lambda *a: skipped.append(a)))
    assert skipped == []
    return out, rows


def test_generator_is_deterministic(tmp_path, products):
    out, _ = products
    generate.generate(str(tmp_path), seed=5, count=4, created=CREATED)
    for name in os.listdir(out):
        with open(out / name, "rb") as a, open(tmp_path / name, "rb") as b:
            assert a.read() == b.read(), name


def test_maps_are_valid_fits(products):
    out, rows = products
    for row in rows:
        with fits.open(out / row["file_name"]) as hdus:
            hdus.verify("exception")
            assert hdus[0].header["TIMESYS"] == "UTC"


def test_granule_fields_match_the_product(products):
    out, rows = products
    assert len(rows) == 4
    server = settings.load()["CDPP_SERVER_URL"]
    for row in rows:
        path = out / row["file_name"]
        header = fits.getheader(path)
        epoch = Time(header["DATE-OBS"], scale="utc")
        assert row["time_min"] == row["time_max"] == pytest.approx(epoch.jd, abs=1e-9)
        assert ephemeris.ROSETTA_START.jd <= row["time_min"] <= ephemeris.ROSETTA_END.jd
        sun = ephemeris.sun_geometry(epoch)
        assert row["subsolar_latitude_min"] == pytest.approx(sun.subsolar_latitude, abs=1e-3)
        assert row["subsolar_longitude_min"] == pytest.approx(sun.subsolar_longitude, abs=1e-3)
        assert row["sun_distance_min"] == pytest.approx(sun.sun_distance_au, abs=1e-5)
        assert (row["c1min"], row["c1max"], row["c2min"], row["c2max"]) == (0, 360, -90, 90)
        assert row["c1_resol_min"] == header["CDELT1"]
        assert row["target_name"] == "67P/Churyumov-Gerasimenko"
        assert row["target_class"] == "comet"
        assert row["dataproduct_type"] == "ma"
        assert row["spatial_frame_type"] == "body"
        assert row["access_estsize"] == math.ceil(os.path.getsize(path) / 1024)
        assert row["access_url"].startswith(server + "/getproduct/illu67p/data/")
        assert row["access_url"].endswith(row["file_name"])
        assert row["thumbnail_url"] == row["access_url"] + "?preview=True"
        assert row["datalink_url"].startswith(server + "/illu67p/q/dl/dlmeta?ID=")
        assert os.path.isfile(out / os.path.basename(row["prodtblPreview"]))


def test_illuminated_fraction_matches_the_map(products):
    out, rows = products
    grid = shape.facet_grid(5.0)
    for row in rows:
        record = product.read_map(str(out / row["file_name"]))
        lit = np.isfinite(record.incidence_deg)
        fraction = grid.areas[lit].sum() / grid.areas.sum()
        assert fraction == pytest.approx(row["illuminated_fraction"], abs=1e-4)
        assert 0 < row["illuminated_fraction"] <= row["dayside_fraction"] < 1
        assert row["dayside_fraction"] == pytest.approx(0.5, abs=0.05)
        # Lit facets see the Sun above their horizon.
        assert np.nanmax(record.incidence_deg) < 90.0
        # The stored angles are those between the facet normals and the Sun.
        sun = ephemeris.sun_geometry(record.epoch)
        cos_i = np.einsum("...i,i->...", grid.normals, sun.direction)
        expected = np.degrees(np.arccos(cos_i))
        assert np.allclose(record.incidence_deg[lit], expected[lit], atol=0.006)
        assert np.all(cos_i[lit] > 0)
        assert np.nanmin(record.incidence_deg) < 15
        assert row["incidence_min"] == pytest.approx(np.nanmin(record.incidence_deg), abs=0.01)
        assert row["incidence_max"] == pytest.approx(np.nanmax(record.incidence_deg), abs=0.01)


def test_cutout_keeps_the_cells_of_the_range(products, tmp_path):
    out, rows = products
    path = str(out / rows[0]["file_name"])
    full = product.read_map(path)
    target = tmp_path / "cut.fits"
    target.write_bytes(product.cutout(path, 100.0, 150.0, -20.0, 30.0))
    cut = product.read_map(str(target))
    assert cut.lon[0] == 102.5 and cut.lon[-1] == 147.5
    assert cut.lat[0] == -17.5 and cut.lat[-1] == 27.5
    j = np.searchsorted(full.lat, cut.lat)
    i = np.searchsorted(full.lon, cut.lon)
    assert np.array_equal(cut.incidence_deg, full.incidence_deg[np.ix_(j, i)], equal_nan=True)
    assert cut.header["DATE-OBS"] == full.header["DATE-OBS"]
    # Across the prime meridian: 350..10 holds 352.5, 357.5, 2.5, 7.5.
    with fits.open(io.BytesIO(product.cutout(path, 350.0, 10.0, -90.0, 90.0))) as hdus:
        data = hdus[0].data
        assert data.shape == (36, 4) and hdus[0].header["CRVAL1"] == 352.5
        assert np.array_equal(data[:, 2:], full.incidence_deg[:, :2], equal_nan=True)
    with pytest.raises(ValueError):
        product.cutout(path, 101.0, 102.0, 0.0, 1.0)


def _copy(products, tmp_path):
    out, rows = products
    for name in os.listdir(out):
        shutil.copy(out / name, tmp_path / name)
    return sorted(row["file_name"] for row in rows)


def test_broken_products_are_reported_and_skipped(products, tmp_path):
    names = _copy(products, tmp_path)
    # 1: truncated file; 2: a header card missing; 3: no preview;
    # 4 (new): a copy of another product under another name.
    with open(tmp_path / names[0], "r+b") as f:
        f.truncate(1000)
    with fits.open(tmp_path / names[1], mode="update") as hdus:
        del hdus[0].header["SUBSOLAT"]
    os.remove(tmp_path / names[2].replace(".fits", ".png"))
    duplicate = product.PREFIX + "20990101T000000.fits"
    shutil.copy(tmp_path / names[3], tmp_path / duplicate)
    shutil.copy(tmp_path / names[3].replace(".fits", ".png"),
                tmp_path / duplicate.replace(".fits", ".png"))
    skipped = {}
    rows = list(illu67p.granules(str(tmp_path), on_skip=lambda n, r: skipped.setdefault(n, r)))
    assert [row["file_name"] for row in rows] == [names[3]]
    assert "FITS" in skipped[names[0]] or "shape" in skipped[names[0]]
    assert "SUBSOLAT missing" in skipped[names[1]]
    assert "preview" in skipped[names[2]] and "missing" in skipped[names[2]]
    assert "file name does not match DATE-OBS" in skipped[duplicate]


def test_stray_files_are_reported(products, tmp_path):
    names = _copy(products, tmp_path)
    os.remove(tmp_path / names[0])
    (tmp_path / "notes.txt").write_text("not a map")
    (tmp_path / ".hidden").write_text("ignored")
    skipped = {}
    rows = list(illu67p.granules(str(tmp_path), on_skip=lambda n, r: skipped.setdefault(n, r)))
    assert len(rows) == 3
    assert set(skipped) == {names[0].replace(".fits", ".png"), "notes.txt"}
    assert "preview without its product" in skipped[names[0].replace(".fits", ".png")]
    assert "not a product of illu67p" in skipped["notes.txt"]


def test_out_of_range_values_are_refused(products, tmp_path):
    names = _copy(products, tmp_path)
    with fits.open(tmp_path / names[0], mode="update") as hdus:
        hdus[0].header["SUBSOLAT"] = 123.0
    with fits.open(tmp_path / names[1], mode="update") as hdus:
        hdus[0].header["DATE-OBS"] = "yesterday"
    skipped = {}
    rows = list(illu67p.granules(str(tmp_path), on_skip=lambda n, r: skipped.setdefault(n, r)))
    assert len(rows) == 2
    assert "SUBSOLAT=123.0 is outside" in skipped[names[0]]
    assert "DATE-OBS='yesterday'" in skipped[names[1]]


def test_bundled_sample():
    skipped = []
    rows = list(illu67p.granules(SAMPLE, on_skip=lambda *a: skipped.append(a)))
    assert skipped == []
    assert len(rows) >= 300
    assert len({row["granule_uid"] for row in rows}) == len(rows)
    obliquity = ephemeris.obliquity_deg()
    for row in rows:
        assert abs(row["subsolar_latitude_min"]) <= obliquity
        assert 1.2 < row["sun_distance_min"] < 4.0
