"""Sample CDFs: ISTP attributes present, deterministic values, sliceable like real files."""

from pathlib import Path

import cdflib
import numpy as np

from datalink.cdfread import open_slice
from datalink.sample import SampleParameter, as_sample_parameter, write_sample_cdf

REPO = Path(__file__).resolve().parents[2]
GLOBALS = ["Project", "Source_name", "Discipline", "Data_type", "Descriptor", "Logical_source",
           "Logical_file_id", "Logical_source_description", "PI_name", "PI_affiliation", "TEXT",
           "Instrument_type", "Mission_group"]


def test_sample_file_is_istp(sample_file):
    cdf = cdflib.CDF(str(sample_file))
    attributes = cdf.globalattsget()
    for name in GLOBALS:
        assert attributes.get(name) and str(attributes[name][0]).strip(), name
    assert attributes["Logical_source"] == ["test_dataset"]
    assert attributes["Logical_file_id"] == ["test_dataset_20200101_v01"]
    assert cdf.varinq("Epoch").Data_Type_Description == "CDF_TIME_TT2000"
    assert cdf.varinq("Epoch").Last_Rec == 3599
    for name in ["b_gse", "density"]:
        variable = cdf.varattsget(name)
        for key in ["UNITS", "FILLVAL", "VALIDMIN", "VALIDMAX", "DEPEND_0", "CATDESC", "FIELDNAM",
                    "VAR_TYPE", "DISPLAY_TYPE"]:
            assert key in variable, (name, key)
    assert cdf.varattsget("b_gse")["LABL_PTR_1"] == "b_gse_LABL"
    assert list(cdf.varget("b_gse_LABL")) == ["b_gse[0]", "b_gse[1]", "b_gse[2]"]
    assert cdf.varattsget("density")["LABLAXIS"] == "density"
    assert cdf.varattsget("b_gse")["UCD"] == "phys.magField"
    assert cdf.varattsget("density")["UNITS"] == "cm^-3"


def test_sample_values_are_deterministic_with_a_fill_gap(sample_file, tmp_path):
    again = write_sample_cdf(tmp_path / "again.cdf", "test_dataset", [
        SampleParameter("b_gse", "nT", -1e31, 3, "Magnetic field, GSE", "phys.magField"),
        {"name": "density", "units": "cm^-3", "fill_value": "-1.0E31", "description": "Ion density"},
    ], "2020-01-01T00:00:00", "2020-01-01T01:00:00", 1.0, seed=7)
    first, second = cdflib.CDF(str(sample_file)), cdflib.CDF(str(again))
    assert np.array_equal(first.varget("b_gse"), second.varget("b_gse"))
    values = first.varget("density")
    filled = values == np.float32(-1e31)
    assert 0 < filled.sum() < 0.01 * values.size
    assert np.all(values[~filled] > 0)


def test_sample_file_slices_like_a_real_one(sample_file):
    sliced = open_slice(sample_file, "2020-01-01T00:10:00", "2020-01-01T00:10:09.5")
    assert sliced.record_count == 10
    assert [p.name for p in sliced.parameters] == ["b_gse", "density"]
    assert sliced.parameters[0].ucd == "phys.magField"


def test_parameters_from_objects_and_dicts():
    class Record:
        name, units, fill, size, description = "v", "km/s", "NaN", "3", "Velocity"

    parameter = as_sample_parameter(Record())
    assert (parameter.name, parameter.size, parameter.units) == ("v", 3, "km/s")
    assert np.isnan(parameter.fill_value)
    assert as_sample_parameter({"name": "n", "size": None}).size is None


def test_samples_from_real_spase_parameters(tmp_path):
    """The amdadb ingest feeds the writer with the SPASE Parameters of the bundled records."""
    from spase import Catalog

    from cdf_samples import votlint
    from datalink.votable import votable_stream

    catalog = Catalog.load(str(REPO / "resources" / "amdadb" / "data" / "spase"))
    records = {d.local_id: d for d in catalog.numerical_data}
    ace, rosetta = records["ace-mag-real"], records["ros-elc-energy"]
    ace_path = write_sample_cdf(tmp_path / "ace.cdf", "ace-mag-real", ace.parameters,
                                "2020-01-01", "2020-01-01T06:00", ace.cadence.seconds, seed=1)
    sliced = open_slice(ace_path, "2020-01-01T01:00", "2020-01-01T02:00")
    assert sliced.record_count == 61
    names = [p.parameter_key for p in ace.parameters]
    assert [p.name for p in sliced.parameters] == names
    magnitude = sliced.parameters[0]
    assert (magnitude.units, magnitude.ucd, magnitude.fill) == ("nT", "phys.magField", np.float32(-1e31))
    assert magnitude.description.startswith("|b|")
    vot = tmp_path / "ace.vot"
    vot.write_bytes(b"".join(votable_stream(sliced)))
    assert votlint(vot)[0] == []

    rosetta_path = write_sample_cdf(tmp_path / "ros.cdf", "ros-elc-energy", rosetta.parameters,
                                    "2015-01-01", "2015-01-01T00:10", 4.0, seed=1)
    spectrum = open_slice(rosetta_path).parameters[0]
    assert spectrum.shape == (124,) and spectrum.fill == np.float32(-1)
    assert spectrum.attributes["DISPLAY_TYPE"] == "spectrogram"
    assert spectrum.axes[0].variable == "ros_elc_eflux_channel"
    assert list(spectrum.axes[0].values[:3]) == [0, 1, 2]
