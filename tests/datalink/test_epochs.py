"""Conversions between times and the three CDF epoch types, checked against cdflib."""

import cdflib
import numpy as np
import pytest
from cdflib.epochs import CDFepoch

from datalink import epochs
from datalink.errors import BadParameter

from cdf_samples import shared


@pytest.mark.parametrize("text", ["2020-02-30", "yesterday", "2020-01-01T25:00:00", "2020-01-01T00:00:00+02:00", ""])
def test_malformed_time_names_the_parameter(text):
    with pytest.raises(BadParameter) as error:
        epochs.parse_time(text, "start")
    assert error.value.name == "start"
    assert "start" in str(error.value)


@pytest.mark.parametrize("text,iso", [
    ("2020-01-01", "2020-01-01T00:00:00.000"),
    ("2020-01-01T12:30Z", "2020-01-01T12:30:00.000"),
    ("2020-01-01 12:30:15.25", "2020-01-01T12:30:15.250"),
])
def test_parse_time_accepts_iso_forms(text, iso):
    assert epochs.parse_time(text, "TIME").isot == iso


@pytest.mark.parametrize("epoch_type", epochs.EPOCH_TYPES)
def test_time_to_epoch_agrees_with_cdflib(epoch_type):
    value = epochs.time_to_epoch(epochs.parse_time("2019-04-01T12:34:56.789", "t"), epoch_type)
    back = CDFepoch.to_datetime(value)[0]
    assert str(back).startswith("2019-04-01T12:34:56.789")


@pytest.mark.parametrize("name", ["ac_k2_mfi", "rbspa", "mms1_fgm", "psp_isois", "psp_fld", "de2"])
def test_to_datetime64_matches_cdflib_on_real_epochs(name):
    cdf = cdflib.CDF(str(shared(name)))
    variable = next(v for v in cdf.cdf_info().zVariables + cdf.cdf_info().rVariables
                    if cdf.varinq(v).Data_Type_Description in epochs.EPOCH_TYPES)
    epoch_type = cdf.varinq(variable).Data_Type_Description
    raw = cdf.varget(variable)
    ours = epochs.to_datetime64(raw, epoch_type)
    theirs = CDFepoch.to_datetime(raw)
    tolerance = np.timedelta64(1, "ms") if epoch_type == epochs.EPOCH else np.timedelta64(0, "ns")
    assert np.all(np.abs(ours - theirs) <= tolerance)


def test_epoch16_conversion_keeps_nanoseconds(epoch16_file):
    cdf = cdflib.CDF(str(epoch16_file))
    raw = cdf.varget("Epoch")
    times = epochs.to_datetime64(raw, epochs.EPOCH16)
    assert str(times[0]) == "2015-06-30T23:59:30.250000000"
    assert np.all(np.diff(times) == np.timedelta64(1, "s"))


def test_tt2000_across_a_leap_second_falls_back_to_cdflib():
    start = CDFepoch.compute_tt2000([2016, 12, 31, 23, 59, 58, 0, 0, 0])
    raw = start + np.arange(6, dtype=np.int64) * 1_000_000_000
    texts = epochs.iso_bytes(epochs.to_datetime64(raw, epochs.TT2000), 3)
    expected = np.datetime_as_string(CDFepoch.to_datetime(raw), unit="ms").astype("S23")
    assert list(texts) == list(expected)
    assert texts[0] == b"2016-12-31T23:59:58.000"
    assert texts[-1] == b"2017-01-01T00:00:02.000"


def test_fill_epochs_become_nat_and_empty_text():
    raw = np.array([-9223372036854775808, CDFepoch.compute_tt2000([2020, 1, 1, 0, 0, 0, 0, 0, 0])])
    times = epochs.to_datetime64(raw, epochs.TT2000)
    assert np.isnat(times[0]) and not np.isnat(times[1])
    assert list(epochs.iso_bytes(times, 9)) == [b"", b"2020-01-01T00:00:00.000000000"]
    assert np.isnat(epochs.to_datetime64(np.array([-1e31]), epochs.EPOCH)[0])


@pytest.mark.parametrize("digits", [3, 6, 9])
def test_iso_bytes_matches_numpy(digits):
    rng = np.random.default_rng(1)
    ns = np.sort(rng.integers(-10**18, 2 * 10**18, 5000))
    times = ns.astype("datetime64[ns]")
    unit = {3: "ms", 6: "us", 9: "ns"}[digits]
    step = 10 ** (9 - digits)
    rounded = ((ns + step // 2) // step * step).astype("datetime64[ns]")
    expected = np.datetime_as_string(rounded.astype(f"datetime64[{unit}]"), unit=unit).astype(f"S{20 + digits}")
    assert list(epochs.iso_bytes(times, digits)) == list(expected)


def test_iso_bytes_rounds_into_the_next_second():
    times = np.array(["2020-12-31T23:59:59.9996"], dtype="datetime64[ns]")
    assert epochs.iso_bytes(times, 3)[0] == b"2021-01-01T00:00:00.000"
