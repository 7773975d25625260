"""Values a hostile request may carry: MJDs out of every calendar, characters XML
cannot hold in error messages."""

import pytest
from lxml import etree

from datalink import dali
from datalink.epochs import MJD_RANGE, parse_mjd
from datalink.errors import BadParameter


@pytest.mark.parametrize("mjd", [5.6e14, -1e7, MJD_RANGE[1] + 1, MJD_RANGE[0] - 1])
def test_mjds_outside_years_1_to_9999_are_bad_parameters(mjd):
    with pytest.raises(BadParameter) as error:
        parse_mjd(mjd, "TIME")
    assert "years 1 to 9999" in str(error.value) and error.value.name == "TIME"


def test_mjds_at_the_ends_of_the_range_are_times():
    assert tuple(parse_mjd(MJD_RANGE[0], "TIME").utc.ymdhms.tolist())[:3] == (1, 1, 1)
    assert parse_mjd(57311.5, "TIME").utc.isot == "2015-10-16T12:00:00.000"


def test_error_documents_hold_any_message():
    message = "no granule \x00\x19\ud800\ufffe end"
    root = etree.fromstring(dali.error_document(message))
    (info,) = root.iter("{*}INFO")
    assert info.text == "no granule \ufffd\ufffd\ufffd\ufffd end"
    assert dali.xml_text("Jupiter \u2013 Io\n") == "Jupiter \u2013 Io\n"
