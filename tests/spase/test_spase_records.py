"""The SPASE library on the real CNES records: parsing, typed values, references."""

import datetime as dt
import math

import pytest

from spase import (Catalog, Instrument, NumericalData, Observatory, Person, Repository,
                   parse_duration)

UTC = dt.timezone.utc
MMS1_FGM = "spase://CNES/NumericalData/CDPP-AMDA/MMS/MMS1/FGM/mms1-fgm-brst"


def test_every_shared_record_parses(shared_catalog):
    assert shared_catalog.errors == []
    kinds = {}
    for res in shared_catalog.resources.values():
        kinds[type(res).__name__] = kinds.get(type(res).__name__, 0) + 1
    assert kinds == {"NumericalData": 419, "Instrument": 342, "Observatory": 88, "Person": 133}


def test_every_reference_resolves(shared_catalog):
    for ds in shared_catalog.numerical_data:
        assert shared_catalog.unresolved(ds) == [], ds.resource_id
        instruments = shared_catalog.instruments(ds)
        assert instruments and all(shared_catalog.observatories(i) for i in instruments)


def test_mms1_fgm_burst_record(shared_catalog):
    ds = shared_catalog.get(MMS1_FGM, NumericalData)
    assert ds.local_id == "mms1-fgm-brst"
    assert ds.header.name == "MMS1 - FGM - burst"
    assert ds.header.release_date == dt.datetime(2024, 10, 4, 3, 45, 27, tzinfo=UTC)
    assert ds.time_span.start == dt.datetime(2015, 9, 1, 12, 11, 14, tzinfo=UTC)
    assert ds.time_span.stop == dt.datetime(2024, 6, 30, 17, 58, 32, tzinfo=UTC)
    assert ds.cadence.total_seconds() == pytest.approx(0.01)
    assert ds.measurement_types == ["MagneticField"]
    assert ds.observed_regions == []
    # Two AccessInformation blocks: HAPI with its ProductKey, and the web application.
    assert len(ds.access) == 2 and ds.is_open
    [hapi] = ds.access_urls("HAPI")
    assert hapi.url == "https://amda.irap.omp.eu/service/hapi"
    assert hapi.product_keys == ("mms1-fgm-brst",)
    assert ds.access[1].formats == ["CSV", "VOTable", "CDF", "PNG"]
    b_gse = ds.parameters[0]
    assert (b_gse.name, b_gse.parameter_key, b_gse.units) == ("b_gse", "mms1_brst_bgse", "nT")
    assert b_gse.coordinate_system.name == "GSE"
    assert b_gse.coordinate_system.representation == "Cartesian"
    assert b_gse.sizes == [3]
    assert [e.parameter_key for e in b_gse.elements] == [
        "mms1_brst_bgse(0)", "mms1_brst_bgse(1)", "mms1_brst_bgse(2)"]
    assert [e.qualifiers for e in b_gse.elements][0] == ("Component.I",)
    assert (b_gse.kind, b_gse.qualifiers, b_gse.quantities) == ("Field", ["Vector"], ["Magnetic"])
    assert b_gse.display_types == ["TimeSeries"]


def test_instrument_observatory_and_group(shared_catalog):
    ds = shared_catalog.get(MMS1_FGM)
    [fgm] = shared_catalog.instruments(ds)
    assert isinstance(fgm, Instrument)
    assert (fgm.header.name, fgm.instrument_types) == ("FGM", ["Magnetometer"])
    [mms1] = shared_catalog.observatories(fgm)
    assert isinstance(mms1, Observatory)
    assert mms1.header.name == "MMS1" and mms1.regions == ["Earth.Magnetosphere"]
    assert mms1.operating_start == dt.datetime(2015, 9, 1, tzinfo=UTC)
    [group] = shared_catalog.groups(mms1)
    assert group.resource_id == "spase://CNES/Observatory/CDPP-AMDA/MMS"


def test_partially_restricted_solar_orbiter_pas(shared_catalog):
    restricted = [d for d in shared_catalog.numerical_data if not d.is_open]
    assert sorted(d.local_id for d in restricted) == ["so-pas-hk", "so-pas-l2.3d", "so-pas-momgr1"]
    for ds in restricted:
        assert ds.access_rights == {"PartiallyRestricted"}
        assert len(ds.access) == 2


def test_cadence_min_max_and_several_values(shared_catalog):
    srvy = shared_catalog.get("spase://CNES/NumericalData/CDPP-AMDA/MMS/MMS1/FGM/mms1-fgm-srvy")
    assert srvy.cadence_min.text == "PT0.0625S"
    assert srvy.cadence_min.total_seconds() == 0.0625
    assert srvy.cadence_max.total_seconds() == pytest.approx(0.125)
    omni = shared_catalog.get("spase://CNES/NumericalData/CDPP-AMDA/OMNI/omni-hour-all")
    assert omni.measurement_types == ["ThermalPlasma", "MagneticField", "EnergeticParticles",
                                      "ActivityIndex"]
    cluster = shared_catalog.get("spase://CNES/NumericalData/CDPP-AMDA/Cluster/Cluster1/PEACE/clust1-pea-mom")
    assert len(cluster.observed_regions) == 11 and "Heliosphere.NearEarth" in cluster.observed_regions


def test_every_fill_value_spelling_reads(shared_catalog):
    spellings = set()
    for ds in shared_catalog.numerical_data:
        for p in ds.parameters:
            if p.fill_value_text is not None:
                spellings.add(p.fill_value_text)
                assert p.fill_value is not None, (ds.local_id, p.fill_value_text)
                if p.fill_value_text.lower() == "nan":
                    assert math.isnan(p.fill_value)
                else:
                    assert p.fill_value == float(p.fill_value_text)
    assert {"-1.0000e+31", "-1.0E31", "-1.e31", "nan", "9999999."} <= spellings


def test_person_record(shared_catalog):
    person = shared_catalog.get("spase://CNES/Person/CDPP-AMDA/A.Sicard", Person)
    assert person.person_name == "A. Sicard-Piet"
    assert person.organization_name == "ONERA, Toulouse, France"


def test_relative_stop_date_resolves_against_now(tmp_path, spase_record):
    text = spase_record("ACE/MFI/ace-mag-real.xml").replace(
        "<StopDate>2025-10-17T07:59:59Z</StopDate>", "<RelativeStopDate>-P1D</RelativeStopDate>")
    (tmp_path / "ace.xml").write_text(text, encoding="utf-8")
    [ds] = Catalog.load(tmp_path).numerical_data
    assert ds.time_span.stop is None
    assert ds.time_span.relative_stop == parse_duration("-P1D")
    now = dt.datetime(2025, 11, 20, 6, 0, tzinfo=UTC)
    assert ds.time_span.stop_at(now) == dt.datetime(2025, 11, 19, 6, 0, tzinfo=UTC)


def test_display_data_reads_like_numerical_data(tmp_path, spase_record):
    text = spase_record("ACE/MFI/ace-mag-real.xml").replace("NumericalData>", "DisplayData>")
    (tmp_path / "display.xml").write_text(text, encoding="utf-8")
    [ds] = Catalog.load(tmp_path).numerical_data
    assert ds.resource_type == "DisplayData" and ds.local_id == "ace-mag-real"


@pytest.mark.parametrize("literal, seconds", [
    ("PT0.0625S", 0.0625), ("PT4S", 4), ("PT1M", 60), ("PT1H", 3600), ("P1D", 86400),
    ("-P1D", -86400), ("P1DT12H", 129600), ("P1W", 604800)])
def test_iso8601_durations(literal, seconds):
    assert parse_duration(literal).total_seconds() == pytest.approx(seconds)


@pytest.mark.parametrize("literal", ["", "P", "PT", "1D", "P1H", "PT1D", "P-1D"])
def test_bad_durations_are_refused(literal):
    with pytest.raises(ValueError):
        parse_duration(literal)


def test_calendar_months_in_relative_dates():
    start = dt.datetime(2024, 3, 31, tzinfo=UTC)
    assert parse_duration("-P1M").add_to(start) == dt.datetime(2024, 2, 29, tzinfo=UTC)
    assert parse_duration("P1Y").add_to(start) == dt.datetime(2025, 3, 31, tzinfo=UTC)


def test_repository_record(tmp_path):
    # The shared records point to spase://SMWG/Repository/CDPP/AMDA without holding it;
    # this one follows the SPASE 2.4 Repository element.
    (tmp_path / "AMDA.xml").write_text("""<?xml version="1.0" encoding="UTF-8"?>
<Spase xmlns="http://www.spase-group.org/data/schema">
  <Version>2.4.1</Version>
  <Repository>
    <ResourceID>spase://SMWG/Repository/CDPP/AMDA</ResourceID>
    <ResourceHeader>
      <ResourceName>CDPP/AMDA</ResourceName>
      <ReleaseDate>2019-05-05T12:00:00Z</ReleaseDate>
      <Description>Automated Multi-Dataset Analysis</Description>
    </ResourceHeader>
    <AccessURL><URL>https://amda.cdpp.eu</URL></AccessURL>
  </Repository>
</Spase>""", encoding="utf-8")
    catalog = Catalog.load(tmp_path)
    repo = catalog.get("spase://SMWG/Repository/CDPP/AMDA", Repository)
    assert repo.header.name == "CDPP/AMDA"
    assert [u.url for u in repo.access_urls] == ["https://amda.cdpp.eu"]
