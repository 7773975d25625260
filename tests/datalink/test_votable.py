"""VOTable output: valid for votlint, and the values read back equal the CDF records."""

import io

import cdflib
import numpy as np
import pytest
from astropy.io.votable import parse
from cdflib.epochs import CDFepoch

from cdf_samples import shared, votlint
from datalink import votable
from datalink.cdfread import open_slice


def _write(slice_, serialization, path):
    with open(path, "wb") as stream:
        for block in votable.votable_stream(slice_, serialization):
            stream.write(block)
    return path


@pytest.mark.parametrize("serialization", votable.SERIALIZATIONS)
def test_votable_of_each_shared_file_is_valid_and_exact(shared_file, serialization, tmp_path):
    whole = open_slice(shared_file)
    first = max(whole.record_count // 2, whole.record_count - 1500)
    start = whole.file.read(whole.time_variable, first, first)[0]
    sliced = open_slice(shared_file, str(CDFepoch.to_datetime(start)[0]))
    path = _write(sliced, serialization, tmp_path / "out.vot")
    errors, output = votlint(path)
    assert errors == [], output
    table = parse(str(path)).get_first_table()
    assert f"<{serialization.upper()}>".encode() in path.read_bytes()
    cdf = cdflib.CDF(str(shared_file))
    records = slice(sliced.first, sliced.stop)
    raw_times = cdf.varget(sliced.time_variable)[records]
    assert sliced.stop == whole.stop and sliced.first in (first, first - 1)
    assert len(table.array) == len(raw_times) == sliced.record_count
    times = np.array(table.array[sliced.time_variable].data, dtype="datetime64[ns]")
    assert np.all(np.abs(times - CDFepoch.to_datetime(raw_times)) <= np.timedelta64(1, "ms"))
    for parameter in sliced.parameters:
        column = table.array[parameter.name]
        expected = cdf.varget(parameter.name)[records].reshape((len(raw_times),) + parameter.shape)
        got = np.ma.filled(column.astype(np.float64), np.nan) if expected.dtype.kind == "f" else column.data
        if expected.dtype.kind == "f":
            expected = expected.astype(np.float64)
            if parameter.fill is not None:
                expected[expected == float(parameter.fill)] = np.nan
            assert np.array_equal(got.reshape(expected.shape), expected, equal_nan=True)
        else:
            assert np.array_equal(np.asarray(got).reshape(expected.shape), expected)


def test_metadata_carries_units_ucd_labels_and_axes(tmp_path):
    sliced = open_slice(shared("ac_k2_mfi"), "2022-01-01T02:00", "2022-01-01T05:30")
    table = parse(str(_write(sliced, "binary2", tmp_path / "ac.vot"))).get_first_table()
    time_field = table.get_field_by_id_or_name("Epoch")
    assert (time_field.xtype, time_field.ucd, time_field.datatype) == ("timestamp", "time.epoch", "char")
    field = table.get_field_by_id_or_name("BGSEc")
    assert str(field.unit) == "nT" and field.arraysize == "3"
    assert "Bx GSE" in field.description and "x y z" in field.description.replace(",", "")
    assert len(table.array) == 4
    assert list(table.array["Epoch"])[0] == "2022-01-01T02:00:00.000"


def test_spectra_are_arrays_with_their_axes_as_params(tmp_path):
    sliced = open_slice(shared("psp_isois"), "2019-04-01T00:10", "2019-04-01T00:20",
                        parameters=["H_CountRate_ChanT"])
    path = _write(sliced, "binary2", tmp_path / "psp.vot")
    assert votlint(path)[0] == []
    table = parse(str(path)).get_first_table()
    field = table.get_field_by_id_or_name("H_CountRate_ChanT")
    assert field.arraysize == "48x80"
    energy = table.get_field_by_id_or_name("H_ChanT_Energy")
    assert energy.arraysize == "48x80" and np.asarray(energy.value).size == 80 * 48
    assert "H_ChanT_Energy" in field.description and "Look_Direction_80" in field.description


def test_fill_values_become_nulls(epoch16_file, tmp_path):
    sliced = open_slice(epoch16_file)
    for serialization in votable.SERIALIZATIONS:
        path = _write(sliced, serialization, tmp_path / f"e16_{serialization}.vot")
        assert votlint(path)[0] == []
        column = parse(str(path)).get_first_table().array["B"]
        assert np.all(np.isnan(np.ma.filled(column[10], np.nan)))
        assert np.array_equal(column[11], [33.0, 34.0, 35.0])
        assert parse(str(path)).get_first_table().array["Epoch"][0] == "2015-06-30T23:59:30.250000000"


def test_integer_fill_is_declared_as_null(tmp_path):
    sliced = open_slice(shared("de2"), "1983-02-13T10:00", "1983-02-13T11:00", parameters=["dataQuality"])
    path = _write(sliced, "tabledata", tmp_path / "de2.vot")
    assert votlint(path)[0] == []
    field = parse(str(path)).get_first_table().get_field_by_id_or_name("dataQuality")
    assert field.values.null == -1


def test_empty_interval_gives_a_valid_table_without_rows(tmp_path):
    sliced = open_slice(shared("mms1_fgm"), "2030-01-01", "2030-01-02")
    for serialization in votable.SERIALIZATIONS:
        path = _write(sliced, serialization, tmp_path / f"empty_{serialization}.vot")
        assert votlint(path)[0] == []
        table = parse(str(path)).get_first_table()
        assert len(table.array) == 0 and len(table.fields) == 1 + len(sliced.parameters)


def test_rows_are_streamed_in_several_blocks(monkeypatch):
    monkeypatch.setattr("datalink.cdfread.CHUNK_BYTES", 16384)
    sliced = open_slice(shared("mms1_fgm"), "2015-10-16T13:06:40", "2015-10-16T13:07:00")
    assert sliced.record_count == 2560
    blocks = list(votable.votable_stream(sliced, "binary2"))
    assert len(blocks) > 10
    assert max(len(b) for b in blocks[1:-2]) < 16384 * 2
    table = parse(io.BytesIO(b"".join(blocks))).get_first_table()
    assert len(table.array) == sliced.record_count
