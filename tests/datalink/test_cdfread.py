"""Finding the records of an interval and reading them, on the shared ISTP files."""

import cdflib
import numpy as np
import pytest
from cdflib.epochs import CDFepoch

from datalink import epochs
from datalink.cdfread import CdfFile, open_slice
from datalink.errors import BadParameter, CorruptFile, Forbidden, NotFound
from datalink.paths import resolve_under_root

from cdf_samples import shared


def _iso(raw_value):
    return str(CDFepoch.to_datetime(raw_value)[0])


def test_binary_search_matches_a_full_read(shared_file):
    file = CdfFile(shared_file)
    time_variable = file.main_time_variable()
    raw = cdflib.CDF(str(shared_file)).varget(time_variable)
    epoch_type = file.data_type(time_variable)
    keys = raw.real if epoch_type == epochs.EPOCH16 else raw
    rng = np.random.default_rng(0)
    for index in list(rng.integers(0, len(raw), 8)) + [0, len(raw) - 1]:
        value = raw[index]
        expected_left = int(np.searchsorted(keys, keys[index], side="left"))
        expected_right = int(np.searchsorted(keys, keys[index], side="right"))
        assert file.search(time_variable, value, "left") == expected_left
        assert file.search(time_variable, value, "right") == expected_right


def test_slice_holds_exactly_the_records_of_the_interval(shared_file):
    file = CdfFile(shared_file)
    time_variable = file.main_time_variable()
    raw = cdflib.CDF(str(shared_file)).varget(time_variable)
    times = CDFepoch.to_datetime(raw)
    start, stop = times[len(times) // 4], times[len(times) // 2]
    sliced = open_slice(shared_file, str(start), str(stop))
    inside = np.flatnonzero((times >= start) & (times <= stop))
    assert (sliced.first, sliced.stop) == (inside[0], inside[-1] + 1)
    read = np.concatenate([c.epochs for c in sliced.chunks(97)])
    assert np.array_equal(read, raw[inside[0]: inside[-1] + 1])
    parameter = sliced.parameters[0]
    values = np.concatenate([c.values[parameter.name] for c in sliced.chunks(53)])
    full = cdflib.CDF(str(shared_file)).varget(parameter.name)
    assert np.array_equal(values, full[inside[0]: inside[-1] + 1], equal_nan=True)


def test_default_parameters_are_the_data_variables_of_the_main_time_axis():
    sliced = open_slice(shared("ac_k2_mfi"))
    assert sliced.time_variable == "Epoch"
    assert [p.name for p in sliced.parameters] == ["Magnitude", "BGSEc"]
    vector = sliced.parameters[1]
    assert vector.shape == (3,) and vector.units == "nT"
    assert vector.labels == ["Bx GSE", "By GSE", "Bz GSE"]
    assert np.float32(vector.fill) == np.float32(-1e31)


def test_two_time_axes_and_time_varying_depend():
    sliced = open_slice(shared("rbspa"), parameters=["FEDO"])
    assert sliced.time_variable == "Epoch_Ele"
    assert [p.name for p in sliced.parameters] == ["FEDO", "HOPE_ENERGY_Ele"]
    with pytest.raises(BadParameter) as error:
        open_slice(shared("rbspa"), parameters=["FEDO", "FPDO"])
    assert "different time axes" in str(error.value)


def test_spectrum_axes_are_described():
    sliced = open_slice(shared("psp_isois"), parameters=["H_CountRate_ChanT"])
    parameter = sliced.parameters[0]
    assert parameter.shape == (80, 48)
    assert [a.variable for a in parameter.axes] == ["Look_Direction_80", "H_ChanT_Energy"]
    assert parameter.axes[1].values.shape == (80, 48) and parameter.axes[1].units == "keV/nuc"


def test_unknown_parameter_lists_the_allowed_ones():
    with pytest.raises(BadParameter) as error:
        open_slice(shared("ac_k2_mfi"), parameters=["Bogus"])
    assert error.value.name == "PARAM"
    assert error.value.allowed == ["Magnitude", "BGSEc"]
    assert "Magnitude" in str(error.value)


def test_stop_before_start_is_refused():
    with pytest.raises(BadParameter) as error:
        open_slice(shared("ac_k2_mfi"), "2022-01-01T05:00", "2022-01-01T04:00")
    assert error.value.name == "TIME" and "before" in str(error.value)


@pytest.mark.parametrize("start,stop", [("2010-01-01", "2010-01-02"), ("2030-01-01", "2030-01-02"),
                                        ("2022-01-01T00:10", "2022-01-01T00:20")])
def test_interval_without_records_gives_an_empty_slice(start, stop):
    sliced = open_slice(shared("ac_k2_mfi"), start, stop)
    assert sliced.record_count == 0
    assert list(sliced.chunks()) == []


def test_garbage_file_is_reported_as_corrupt(garbage_file):
    with pytest.raises(CorruptFile) as error:
        open_slice(garbage_file)
    assert error.value.path == str(garbage_file)


def test_truncated_file_is_reported_as_corrupt(truncated_file):
    with pytest.raises(CorruptFile) as error:
        open_slice(truncated_file, "2015-10-16T13:06:00", "2015-10-16T13:07:00")
    assert "truncated.cdf" in str(error.value)


def test_resolution_refuses_paths_outside_the_root(data_root):
    assert resolve_under_root(data_root, "ace/ac.cdf") == data_root / "ace" / "ac.cdf"
    for name in ["../secret.cdf", "ace/../../secret.cdf", "/etc/passwd", "ace/link.cdf", "a\0b"]:
        with pytest.raises(Forbidden):
            resolve_under_root(data_root, name)
    with pytest.raises(NotFound):
        resolve_under_root(data_root, "ace/missing.cdf")
