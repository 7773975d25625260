"""ASCII output: a header describing the columns, then ISO times and values read back exactly."""

import cdflib
import numpy as np
from cdflib.epochs import CDFepoch

from cdf_samples import shared
from datalink.ascii import ascii_stream
from datalink.cdfread import open_slice


def _lines(slice_):
    text = b"".join(ascii_stream(slice_)).decode()
    lines = text.splitlines()
    return [l for l in lines if l.startswith("#")], [l for l in lines if not l.startswith("#")]


def test_ascii_of_each_shared_file_reads_back(shared_file):
    sliced = open_slice(shared_file)
    third = sliced.record_count // 3
    start, stop = sliced.file.read(sliced.time_variable, third, third)[0], sliced.file.read(
        sliced.time_variable, 2 * third, 2 * third)[0]
    sliced = open_slice(shared_file, str(CDFepoch.to_datetime(start)[0]), str(CDFepoch.to_datetime(stop)[0]))
    assert third - 2 <= sliced.record_count <= third + 2
    header, rows = _lines(sliced)
    assert f"# Dataset: {sliced.dataset}" in header
    assert len(rows) == sliced.record_count
    names = header[-1][2:].split()
    widths = [1] + [p.size for p in sliced.parameters]
    assert len(names) == sum(widths)
    cdf = cdflib.CDF(str(shared_file))
    table = np.array([row.split() for row in rows])
    assert table.shape == (sliced.record_count, sum(widths))
    times = table[:, 0].astype("datetime64[ns]")
    records = slice(sliced.first, sliced.stop)
    expected_times = CDFepoch.to_datetime(cdf.varget(sliced.time_variable)[records])
    assert np.all(np.abs(times - expected_times) <= np.timedelta64(1, "ms"))
    column = 1
    for parameter in sliced.parameters:
        expected = cdf.varget(parameter.name)[records].reshape(sliced.record_count, -1)
        got = table[:, column: column + parameter.size].astype(expected.dtype)
        assert np.array_equal(got, expected, equal_nan=True)
        column += parameter.size


def test_header_gives_interval_units_and_fill():
    sliced = open_slice(shared("psp_fld"), "2020-01-04T03:00:00Z", "2020-01-04T05:00:00Z")
    header, rows = _lines(sliced)
    assert "# Interval: 2020-01-04T03:00:00.000 / 2020-01-04T05:00:00.000 (UTC)" in header
    described = [l for l in header if "psp_fld_l2_mag_RTN_1min:" in l][0]
    assert "units: nT" in described and "fill value: -1e+31" in described
    assert len(rows) == sliced.record_count > 0
    assert rows[0] > "2020-01-04T03:00" and rows[-1] < "2020-01-04T05:00"


def test_empty_interval_keeps_the_header():
    sliced = open_slice(shared("ac_k2_mfi"), "2021-01-01", "2021-01-02")
    header, rows = _lines(sliced)
    assert rows == []
    assert "# Records: 0" in header and header[-1].startswith("# Epoch Magnitude BGSEc")
