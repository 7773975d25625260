"""The request handling of the DataLink services that needs no server: intervals, HAPI links, errors."""

import pytest
from astropy.io.votable import parse

from cdf_samples import votlint
from datalink import dachs, dali
from datalink.errors import BadParameter
from spase.records import AccessInformation, AccessURL, NumericalData, ResourceHeader


@pytest.mark.parametrize("args,expected", [
    ({"TIME": "57311.5 57311.75"}, ("2015-10-16T12:00:00.000", "2015-10-16T18:00:00.000")),
    ({"TIME": "-Inf 57311.75"}, (None, "2015-10-16T18:00:00.000")),
    ({"START": "2015-10-16T13:00Z", "STOP": ["2015-10-16T14:00:00"]},
     ("2015-10-16T13:00:00.000", "2015-10-16T14:00:00.000")),
    ({}, (None, None)),
])
def test_interval_of(args, expected):
    start, stop = dachs.interval_of(args)
    assert (start.isot if start else None, stop.isot if stop else None) == expected


@pytest.mark.parametrize("args,name,words", [
    ({"TIME": "57311.5"}, "TIME", "two MJD"),
    ({"TIME": "yesterday today"}, "TIME", "not a number"),
    ({"TIME": "57312 57311"}, "TIME", "before"),
    ({"START": "2015-10-16T14:00", "STOP": "2015-10-16T13:00"}, "TIME", "before"),
    ({"START": "16/10/2015"}, "START", "ISO 8601"),
    ({"STOP": "2015-10-16T25:00"}, "STOP", "not a valid time"),
    ({"TIME": "57311 57312", "START": "2015-10-16"}, "TIME", "not both"),
    ({"START": ["2015-10-16", "2015-10-17"]}, "START", "more than once"),
])
def test_bad_intervals_name_the_parameter(args, name, words):
    with pytest.raises(BadParameter) as error:
        dachs.interval_of(args)
    assert error.value.name == name and words in str(error.value)


def test_hapi_urls_come_from_the_spase_access_url():
    record = NumericalData(
        resource_id="spase://CNES/NumericalData/CDPP-AMDA/MMS/MMS1/FGM/mms1-fgm-brst", path="x.xml",
        header=ResourceHeader(),
        access=[AccessInformation(access_rights="Open", access_urls=[
            AccessURL(url="https://amda.irap.omp.eu/service/hapi/", style="HAPI", product_keys=("mms1-fgm-brst",)),
        ])])
    info, data = dachs.hapi_urls(record, "2015-10-16T00:00:00Z", "2015-10-17T00:00:00Z")
    assert info == "https://amda.irap.omp.eu/service/hapi/info?id=mms1-fgm-brst"
    assert data == ("https://amda.irap.omp.eu/service/hapi/data?id=mms1-fgm-brst"
                    "&time.min=2015-10-16T00:00:00Z&time.max=2015-10-17T00:00:00Z")
    assert dachs.hapi_urls(None, "a", "b") is None


def test_error_document_is_a_valid_dali_error(tmp_path):
    path = tmp_path / "error.vot"
    path.write_bytes(dali.error_document('TIME: "57312 & 57311" is <wrong>'))
    assert votlint(path)[0] == []
    votable = parse(str(path))
    info = votable.resources[0].infos[0]
    assert (info.name, info.value) == ("QUERY_STATUS", "ERROR")
    assert info.content == 'TIME: "57312 & 57311" is <wrong>'
