"""The SPASE to EPN-TAP mapping of amdadb, checked on the real records."""

import datetime as dt
import math
import os
import urllib.parse

import pytest
from astropy.time import Time

from ingest import amdadb

from amdadb_samples import NOW, SAMPLE_CDF, SAMPLE_SPASE, SETTINGS

UTC = dt.timezone.utc


def jd(text):
    """The UTC Julian date of an ISO time, by astropy."""
    return Time(text, scale="utc").jd


def test_all_shared_records_map(shared_mapping):
    datasets, skips = shared_mapping
    assert skips == []
    assert len(datasets) == 419
    assert sum(len(d) for d in datasets.values()) == 2548847


def test_mms1_fgm_vector_dataset(shared_mapping):
    ds = shared_mapping[0]["mms1-fgm-brst"]
    first, last = ds.granule(0), ds.granule(len(ds) - 1)
    assert len(ds) == (dt.date(2024, 6, 30) - dt.date(2015, 9, 1)).days + 1
    assert first["granule_uid"] == "mms1-fgm-brst_20150901"
    assert first["granule_gid"] == "mms1-fgm-brst"
    assert first["obs_id"] == "MMS1-FGM_20150901"
    assert first["dataproduct_type"] == "ts"
    # No ObservedRegion in the record: the target is the observatory's region.
    assert (first["target_name"], first["target_class"], first["target_region"]) == (
        "Earth", "planet", "Magnetosphere")
    assert (first["instrument_host_name"], first["instrument_name"]) == ("MMS1", "FGM")
    assert first["instrument_type"] == "Magnetometer"
    assert first["measurement_type"] == "phys.magField"
    assert first["time_sampling_step_min"] == first["time_sampling_step_max"] == pytest.approx(0.01)
    assert first["time_scale"] == "UTC" and first["service_title"] == "amdadb"
    assert first["spatial_frame_type"] == "none"
    assert first["spatial_coordinate_description"] == "GSE#GSM"
    assert first["processing_level"] == 3
    assert first["release_date"] == dt.datetime(2024, 10, 4, 3, 45, 27)
    # First and last days cut to the TimeSpan; days in between are whole.
    assert first["time_min"] == pytest.approx(jd("2015-09-01T12:11:14"), abs=1e-8)
    assert first["time_max"] == pytest.approx(jd("2015-09-02T00:00:00"), abs=1e-8)
    assert last["time_min"] == pytest.approx(jd("2024-06-30T00:00:00"), abs=1e-8)
    assert last["time_max"] == pytest.approx(jd("2024-06-30T17:58:32"), abs=1e-8)
    middle = ds.granule(100)
    assert middle["time_max"] - middle["time_min"] == 1.0
    assert first["external_link"] == (
        "https://hpde.io/CNES/NumericalData/CDPP-AMDA/MMS/MMS1/FGM/mms1-fgm-brst.html")
    assert first["access_url"] == ("https://amda.irap.omp.eu/service/hapi/data?id=mms1-fgm-brst"
                                   "&time.min=2015-09-01T12:11:14Z&time.max=2015-09-02T00:00:00Z")
    assert first["access_format"] == "text/csv"


def test_juno_at_jupiter(shared_mapping):
    g = shared_mapping[0]["juno-fgm-orb1"].granule(0)
    assert (g["target_name"], g["target_class"]) == ("Jupiter", "planet")
    assert (g["instrument_host_name"], g["instrument_name"]) == ("Juno", "FGM")
    assert g["time_min"] == pytest.approx(jd("2016-07-07T00:00:00"), abs=1e-8)
    assert "phys.magField" in g["measurement_type"].split("#")


def test_rosetta_at_the_comet(shared_mapping):
    g = shared_mapping[0]["ros-elc-energy"].granule(0)
    assert (g["target_name"], g["target_class"]) == ("67P/Churyumov-Gerasimenko", "comet")
    assert g["instrument_host_name"] == "Rosetta"
    # Its only parameter is a spectrogram: a dynamic spectrum.
    assert g["dataproduct_type"] == "ds"
    assert (g["time_sampling_step_min"], g["time_sampling_step_max"]) == (128.0, 1024.0)


def test_giotto_flew_by_halley(shared_mapping):
    for dataset_id in ("gio-mag-psa", "gio-ims-a"):  # the second stops before closest approach
        g = shared_mapping[0][dataset_id].granule(0)
        assert (g["target_name"], g["target_class"]) == ("1P/Halley", "comet"), dataset_id


def test_satellites_and_interplanetary_medium(shared_mapping):
    datasets = shared_mapping[0]
    ganymede = datasets["ganymede-orb-all"].granule(0)
    assert ganymede["target_name"] == "Jupiter#Ganymede"
    assert ganymede["target_class"] == "planet#satellite"
    ace = datasets["ace-imf-all"].granule(0)
    assert (ace["target_name"], ace["target_class"]) == ("Solar wind", "interplanetary_medium")
    assert ace["target_region"] == "NearEarth"
    solo = datasets["so-mag-1min"].granule(0)
    assert solo["target_class"] == "interplanetary_medium#star"


def test_restricted_solar_orbiter_is_kept_out():
    skipped = []
    rows = list(amdadb.granules(SAMPLE_SPASE, SAMPLE_CDF, lambda n, r: skipped.append((n, r)),
                                now=NOW, settings=SETTINGS))
    assert not any(r["granule_gid"].startswith("so-pas") for r in rows)
    assert skipped == [("so-pas-momgr1", "AccessRights PartiallyRestricted: not public, "
                                         "kept in the restricted table")]
    hidden = list(amdadb.granules(SAMPLE_SPASE, SAMPLE_CDF, now=NOW, settings=SETTINGS,
                                  restricted=True))
    assert {r["granule_gid"] for r in hidden} == {"so-pas-momgr1"}
    assert len(hidden) == (dt.date(2025, 10, 2) - dt.date(2020, 4, 14)).days + 1


def test_bundled_sample_granules():
    rows = list(amdadb.granules(SAMPLE_SPASE, SAMPLE_CDF, now=NOW, settings=SETTINGS))
    assert len(rows) == 5833
    uids = [r["granule_uid"] for r in rows]
    assert len(set(uids)) == len(uids)
    for r in rows:
        assert set(amdadb.COLUMNS) <= set(r)
        for column in ("granule_uid", "granule_gid", "obs_id", "dataproduct_type",
                       "processing_level", "time_scale", "service_title", "access_url",
                       "access_format", "datalink_url"):
            assert r[column] is not None, (r["granule_uid"], column)
        # a preview is drawn from a local file; HAPI-only granules have none
        assert (r["thumbnail_url"] is None) == (r["access_format"] != amdadb.CDF_MIME)
        assert r["time_min"] <= r["time_max"]
        assert r["target_class"] in {"planet", "comet", "interplanetary_medium",
                                     "planet#satellite"}


def test_local_cdf_file_is_the_access_url():
    rows = {r["granule_uid"]: r for r in amdadb.granules(SAMPLE_SPASE, SAMPLE_CDF, now=NOW,
                                                          settings=SETTINGS)}
    path = SAMPLE_CDF / "mms1-fgm-brst" / "mms1_fgm_brst_l2_sample.cdf"
    g = rows["mms1-fgm-brst_20151016"]
    assert g["access_url"] == ("http://localhost:8080/getproduct/amdadb/data/cdf/"
                               "mms1-fgm-brst/mms1_fgm_brst_l2_sample.cdf")
    assert g["access_format"] == "application/x-cdf"
    assert g["access_estsize"] == math.ceil(os.path.getsize(path) / 1024)
    assert g["file_name"] == "mms1_fgm_brst_l2_sample.cdf"
    assert g["prodtblAccref"] == "amdadb/data/cdf/mms1-fgm-brst/mms1_fgm_brst_l2_sample.cdf"
    assert g["prodtblFsize"] == os.path.getsize(path)
    assert rows["mms1-fgm-brst_20151017"]["access_format"] == "text/csv"
    assert rows["mms1-fgm-brst_20151017"]["file_name"] is None


def test_datalink_url_carries_the_publisher_did():
    [g] = [r for r in amdadb.granules(SAMPLE_SPASE, None, now=NOW, settings=SETTINGS)
           if r["granule_uid"] == "ace-mag-real_20250801"]
    query = urllib.parse.urlparse(g["datalink_url"])
    assert query.path == "/amdadb/q/dl/dlmeta"
    assert urllib.parse.parse_qs(query.query) == {"ID": ["ivo://cdpp.irap/~?amdadb/ace-mag-real_20250801"]}
    assert amdadb.publisher_did("ace-mag-real_20250801", "cdpp.irap") == (
        "ivo://cdpp.irap/~?amdadb/ace-mag-real_20250801")


def test_relative_stop_date_gives_granules_up_to_now(tmp_path):
    import shutil
    tree = tmp_path / "spase"
    shutil.copytree(SAMPLE_SPASE, tree)
    record = tree / "NumericalData" / "CDPP-AMDA" / "ACE" / "MFI" / "ace-mag-real.xml"
    record.write_text(record.read_text(encoding="utf-8").replace(
        "<StopDate>2025-10-17T07:59:59Z</StopDate>", "<RelativeStopDate>-P1D</RelativeStopDate>"),
        encoding="utf-8")
    now = dt.datetime(2025, 11, 20, 12, 0, tzinfo=UTC)
    rows = [r for r in amdadb.granules(tree, now=now, settings=SETTINGS)
            if r["granule_gid"] == "ace-mag-real"]
    assert rows[-1]["granule_uid"] == "ace-mag-real_20251119"
    assert rows[-1]["time_max"] == pytest.approx(jd("2025-11-19T12:00:00"), abs=1e-8)


def test_records_that_cannot_give_granules_are_reported(tmp_path):
    import shutil
    tree = tmp_path / "spase"
    shutil.copytree(SAMPLE_SPASE, tree)
    record = tree / "NumericalData" / "CDPP-AMDA" / "ACE" / "MFI" / "ace-mag-real.xml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("<StopDate>2025-10-17T07:59:59Z</StopDate>",
                                   "<StopDate>2025-01-01T00:00:00Z</StopDate>"), encoding="utf-8")
    juno = tree / "NumericalData" / "CDPP-AMDA" / "Juno" / "JADE" / "juno-jadel5-heavmom.xml"
    juno.write_text(juno.read_text(encoding="utf-8").replace(
        "spase://CNES/Instrument/CDPP-AMDA/Juno/JADE", "spase://CNES/Instrument/CDPP-AMDA/Juno/NONE"),
        encoding="utf-8")
    (tree / "broken.xml").write_text("<Spase><NumericalData>", encoding="utf-8")
    skipped, warnings = [], []
    rows = list(amdadb.granules(tree, None, lambda n, r: skipped.append((n, r)), now=NOW,
                                settings=SETTINGS, on_warning=lambda n, m: warnings.append((n, m))))
    reasons = dict(skipped)
    assert "stops" in reasons["ace-mag-real"] and "before it starts" in reasons["ace-mag-real"]
    assert any(name.endswith("broken.xml") and "not well-formed" in r for name, r in skipped)
    # An unknown instrument leaves the instrument columns empty: the dataset is published.
    assert "juno-jadel5-heavmom" not in reasons
    assert any(n == "juno-jadel5-heavmom" and "matches no Instrument record" in m
               for n, m in warnings)
    assert {r["granule_gid"] for r in rows} == {"juno-jadel5-heavmom", "mms1-fgm-brst",
                                                "ros-elc-energy", "swarma-tii-prov",
                                                "vo1-pws-data"}


@pytest.mark.parametrize("region, target", [
    ("Earth.Magnetosphere.Main", ("Earth", "planet", "Magnetosphere.Main")),
    ("Jupiter.Ganymede", ("Ganymede", "satellite", None)),
    ("Saturn.Titan", ("Titan", "satellite", None)),
    ("Mars", ("Mars", "planet", None)),
    ("Pluto", ("Pluto", "dwarf_planet", None)),
    ("Heliosphere.Inner", ("Solar wind", "interplanetary_medium", "Inner")),
    ("Sun.Corona", ("Sun", "star", "Corona")),
])
def test_region_targets(region, target):
    assert amdadb.target_of_region(region) == target


def test_julian_dates_agree_with_astropy():
    for text in ("1970-01-01T00:00:00", "2015-09-01T12:11:14", "2024-02-29T23:59:59.5",
                 "1979-03-01T19:58:22"):
        when = dt.datetime.fromisoformat(text).replace(tzinfo=UTC)
        assert amdadb.julian_date(when) == pytest.approx(jd(text), abs=1e-9)


def test_fingerprint_follows_content_not_paths(tmp_path):
    from ingest import load

    def fingerprints(spase_dir, data_dir):
        from spase import Catalog
        return {d.dataset_id: load.fingerprint(d) for d in amdadb.map_catalog(
            Catalog.load(spase_dir), data_dir, now=NOW, settings=SETTINGS)}

    absolute = fingerprints(SAMPLE_SPASE, str(SAMPLE_CDF))
    assert fingerprints(os.path.relpath(SAMPLE_SPASE), os.path.relpath(SAMPLE_CDF)) == absolute
    import shutil
    shutil.copytree(SAMPLE_SPASE, tmp_path / "spase")
    record = tmp_path / "spase" / "NumericalData" / "CDPP-AMDA" / "ACE" / "MFI" / "ace-mag-real.xml"
    record.write_text(record.read_text(encoding="utf-8").replace(
        "<Units>nT</Units>", "<Units>nT</Units><UCD>phys.magField</UCD>", 1).replace(
        "2025-10-17T08:03:46Z", "2025-11-17T08:03:46Z"), encoding="utf-8")
    changed = fingerprints(tmp_path / "spase", str(SAMPLE_CDF))
    assert {k for k in absolute if absolute[k] != changed[k]} == {"ace-mag-real"}
