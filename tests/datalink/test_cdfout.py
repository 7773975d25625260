"""CDF output: an ISTP subset holding the sliced records, the referenced variables and all attributes."""

import subprocess

import cdflib
import numpy as np

from cdf_samples import shared
from datalink.cdfout import cdf_stream, referenced_variables
from datalink.cdfread import CdfFile, open_slice


def _subset(slice_, path):
    path.write_bytes(b"".join(cdf_stream(slice_)))
    return cdflib.CDF(str(path))


def test_subset_of_each_shared_file(shared_file, tmp_path):
    file = CdfFile(shared_file)
    time_variable = file.main_time_variable()
    raw = file.read(time_variable)
    times = cdflib.cdfepoch.to_datetime(raw)
    sliced = open_slice(shared_file, str(times[len(times) // 3]), str(times[len(times) // 2]))
    subset = _subset(sliced, tmp_path / "subset.cdf")
    assert np.array_equal(subset.varget(sliced.time_variable), raw[sliced.first: sliced.stop])
    source = cdflib.CDF(str(shared_file))
    assert subset.globalattsget() .keys() == source.globalattsget().keys()
    for parameter in sliced.parameters:
        assert np.array_equal(subset.varget(parameter.name),
                              source.varget(parameter.name)[sliced.first: sliced.stop], equal_nan=True)
        kept = subset.varattsget(parameter.name)
        for name, value in source.varattsget(parameter.name).items():
            assert np.array_equal(np.asarray(kept[name]), np.asarray(value)), name
        assert subset.attget("FILLVAL", parameter.name).Data_Type == source.attget("FILLVAL", parameter.name).Data_Type
    names = set(subset.cdf_info().zVariables)
    for parameter in sliced.parameters:
        for axis in parameter.axes:
            assert axis.variable in names


def test_referenced_variables_follow_depend_and_label_pointers():
    file = CdfFile(shared("rbspa"))
    names = referenced_variables(file, ["FEDU"])
    assert {"FEDU", "Epoch_Ele", "PITCH_ANGLE", "Pitch_LABL", "Epoch_Ele_DELTA"} <= set(names)
    assert not {"FPDU", "Epoch_Ion", "FEDO"} & set(names)
    for name in set(names) - {"FEDU"}:
        assert any(name in map(str, file.attributes(other).values()) for other in names if other != name)


def test_subset_of_an_empty_interval_is_a_readable_cdf(tmp_path):
    sliced = open_slice(shared("mms1_fgm"), "2030-01-01", "2030-01-02")
    subset = _subset(sliced, tmp_path / "empty.cdf")
    assert subset.varinq("Epoch").Last_Rec == -1
    assert subset.globalattsget()["Logical_source"] == ["mms1_fgm_brst_l2"]


def test_epoch16_subset(epoch16_file, tmp_path):
    sliced = open_slice(epoch16_file, "2015-06-30T23:59:40", "2015-06-30T23:59:50")
    subset = _subset(sliced, tmp_path / "e16.cdf")
    assert subset.varget("Epoch").shape == (10,)
    assert str(cdflib.cdfepoch.to_datetime(subset.varget("Epoch")[0])[0]) == "2015-06-30T23:59:40.250000000"


def test_subset_written_in_many_blocks_reads_back(monkeypatch, tmp_path):
    monkeypatch.setattr("datalink.cdfout.BLOCK_BYTES", 16)
    sliced = open_slice(shared("mms1_fgm"), "2015-10-16T13:06:40", "2015-10-16T13:07:00",
                        parameters=["mms1_fgm_b_gse_brst_l2"])
    subset = _subset(sliced, tmp_path / "blocks.cdf")
    source = cdflib.CDF(str(shared("mms1_fgm")))
    for name in ["Epoch", "mms1_fgm_b_gse_brst_l2"]:
        assert np.array_equal(subset.varget(name), source.varget(name)[sliced.first: sliced.stop])
    assert np.array_equal(subset.varget("Epoch", startrec=2000, endrec=2010),
                          source.varget("Epoch", startrec=sliced.first + 2000, endrec=sliced.first + 2010))


def test_subset_reads_back_with_an_independent_reader(tmp_path):
    """STILTS reads CDF with JCDF, a CDF reader written apart from cdflib."""
    sliced = open_slice(shared("rbspa"), "2012-12-01T00:10", "2012-12-01T00:20")
    path = tmp_path / "rbspa_subset.cdf"
    path.write_bytes(b"".join(cdf_stream(sliced)))
    result = subprocess.run(["stilts", "tpipe", "ifmt=cdf", f"in={path}", "ofmt=csv",
                             "cmd=keepcols 'Epoch_Ion Position_Ion'"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "Epoch_Ion,Position_Ion"
    assert len(lines) - 1 == sliced.record_count == 22
    expected = cdflib.CDF(str(shared("rbspa"))).varget("Position_Ion")[sliced.first]
    first = [float(v) for v in lines[1].split(",", 1)[1].strip('"()').split(",")]
    assert np.allclose(first, expected, rtol=1e-6)
    epoch = cdflib.CDF(str(shared("rbspa"))).varget("Epoch_Ion")[sliced.first]
    assert float(lines[1].split(",", 1)[0]) == epoch
