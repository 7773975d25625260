"""The format names a request may use, and the single entry point of the web layer."""

import pytest

from cdf_samples import shared
from datalink.errors import BadParameter, CorruptFile
from datalink.formats import ASCII, CDF_ISTP, VOTABLE, parse_format, slice_stream


@pytest.mark.parametrize("value,expected", [
    ("VOTable", (VOTABLE, "binary2")), ("votable", (VOTABLE, "binary2")),
    ("application/x-votable+xml;serialization=TABLEDATA", (VOTABLE, "tabledata")),
    ("CDF_ISTP", (CDF_ISTP, "binary2")), ("ASCII", (ASCII, "binary2")), ("text/plain", (ASCII, "binary2")),
])
def test_format_names(value, expected):
    assert parse_format(value) == expected


@pytest.mark.parametrize("value", ["FITS", "votable;serialization=BINARY", "json"])
def test_unknown_format_lists_the_allowed_ones(value):
    with pytest.raises(BadParameter) as error:
        parse_format(value)
    assert error.value.name == "FORMAT"
    assert error.value.allowed


def test_slice_stream_names_the_file_after_the_interval():
    media_type, name, blocks = slice_stream(shared("ac_k2_mfi"), "2022-01-01T01:00", "2022-01-01T02:00", "ASCII")
    assert media_type == "text/plain"
    assert name == "ac_k2_mfi_20220101_v03_20220101T010000_20220101T020000.txt"
    assert b"".join(blocks).count(b"\n2022-01-01T0") == 2


def test_errors_come_before_any_output(truncated_file):
    with pytest.raises(BadParameter):
        slice_stream(shared("ac_k2_mfi"), "2022-01-01T01:00", "2022-01-01T02:00", "FITS")
    with pytest.raises(BadParameter):
        slice_stream(shared("ac_k2_mfi"), "2022-01-01T01:00", "not a time", "ASCII")
    with pytest.raises(CorruptFile):
        slice_stream(truncated_file, "2015-10-16T13:06:00", "2015-10-16T13:07:00", "VOTable")
