"""The DataLink services through HTTP on the running instance: documents, links, slices, bad input."""

import email.utils
import io
import json
import math
import subprocess
import urllib.parse
from pathlib import Path

import cdflib
import numpy as np
import pytest
import requests
from astropy.io.votable import parse
from astropy.time import Time

from cdf_samples import votlint
from core_vocabulary import core_terms, datalinklint, vocabulary_proxy
from instance.shell import run

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
AMDADB_CDF = REPO / "resources" / "amdadb" / "data" / "cdf"
DATALINK_MIME = "application/x-votable+xml;content=datalink"
# The bundled MMS1 FGM burst file holds 2015-10-16T13:06:00-13:07:09 at 128 samples/s.
MMS_UID = "mms1-fgm-brst_20151016"
RESTRICTED_DATASET = "so-pas-momgr1"


def _get(url, **params):
    return requests.get(url, params=params, timeout=120)


def _links(response):
    """Return (rows as dicts, votable) of a DataLink document."""
    votable = parse(io.BytesIO(response.content))
    table = votable.get_first_table()
    rows = [{name: (value.decode() if isinstance(value, bytes) else value)
             for name, value in zip(table.array.dtype.names, row)} for row in table.array.data]
    return rows, votable


def _mjd(iso):
    return Time(iso, scale="utc").mjd


@pytest.fixture(scope="module")
def granules(tap):
    """Granules of amdadb: one with a local CDF file (the MMS one) and one served by HAPI only."""
    with_file = tap.search("SELECT granule_uid, datalink_url, thumbnail_url, access_url, file_name,"
                           " external_link, time_min, time_max FROM amdadb.epn_core"
                           f" WHERE granule_uid = '{MMS_UID}'").to_table()
    without = tap.search("SELECT TOP 1 granule_uid, datalink_url, thumbnail_url, access_url,"
                         " external_link, time_min, time_max FROM amdadb.epn_core"
                         " WHERE file_name IS NULL ORDER BY granule_uid").to_table()
    assert len(with_file) == 1 and len(without) == 1
    return {"file": {k: with_file[k][0] for k in with_file.colnames},
            "hapi": {k: without[k][0] for k in without.colnames}}


@pytest.fixture(scope="module")
def document(granules):
    """The DataLink document of the MMS granule, as (rows, votable, response)."""
    response = _get(granules["file"]["datalink_url"])
    assert response.status_code == 200
    rows, votable = _links(response)
    return rows, votable, response


@pytest.fixture(scope="module")
def dlget(server):
    return server + "/amdadb/q/dl/dlget"


def _did(uid):
    return f"ivo://cdpp.irap/~?amdadb/{uid}"


def test_datalink_document_lists_every_link(document, granules, settings):
    rows, _, response = document
    assert response.headers["content-type"].startswith("application/x-votable+xml")
    assert [r for r in rows if r["error_message"]] == []
    by_semantics = {}
    for row in rows:
        assert row["ID"] == _did(MMS_UID)
        by_semantics.setdefault(row["semantics"], []).append(row)
    assert set(by_semantics) == {"#this", "#proc", "#preview", "#auxiliary", "#documentation"}
    this = by_semantics["#this"][0]
    assert this["access_url"] == granules["file"]["access_url"]
    assert this["content_type"] == "application/x-cdf"
    assert by_semantics["#documentation"][0]["access_url"] == granules["file"]["external_link"]
    # The granule's file is in this server's archive: its HAPI is this server's.
    auxiliary = sorted(r["access_url"] for r in by_semantics["#auxiliary"])
    assert auxiliary == [
        f"{settings['CDPP_SERVER_URL']}/hapi/data?dataset=mms1-fgm-brst"
        "&start=2015-10-16T00:00:00Z&stop=2015-10-17T00:00:00Z",
        f"{settings['CDPP_SERVER_URL']}/hapi/info?dataset=mms1-fgm-brst",
    ]


def test_this_and_preview_links_deliver(document, granules):
    rows, _, _ = document
    this = next(r for r in rows if r["semantics"] == "#this")
    response = _get(this["access_url"])
    assert response.status_code == 200
    local = next(AMDADB_CDF.rglob(granules["file"]["file_name"]))
    assert response.content == local.read_bytes()
    preview = next(r for r in rows if r["semantics"] == "#preview")
    for url in (preview["access_url"], granules["file"]["thumbnail_url"]):
        response = _get(url)
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/png"
        assert response.content[:8] == b"\x89PNG\r\n\x1a\n" and len(response.content) > 10000


def test_quick_looks_may_be_kept_until_their_file_changes(granules, dlget, settings):
    url = granules["file"]["thumbnail_url"]
    first = _get(url)
    assert first.status_code == 200
    assert first.headers["cache-control"] == "public, max-age=86400"
    served = next((Path(settings["CDPP_GAVO_ROOT"]) / "inputs" / "amdadb").rglob(
        granules["file"]["file_name"]))
    modified = email.utils.parsedate_to_datetime(first.headers["last-modified"]).timestamp()
    assert modified == math.ceil(served.stat().st_mtime)
    again = requests.get(url, timeout=120,
                         headers={"If-Modified-Since": first.headers["last-modified"]})
    assert again.status_code == 304 and again.content == b""
    # Slices are not kept.
    with requests.get(dlget, params={"ID": _did(MMS_UID), "FORMAT": "ASCII"},
                      timeout=120, stream=True) as cut:
        assert cut.status_code == 200 and "cache-control" not in cut.headers


def test_service_descriptor_declares_time_format_and_parameters(document, settings):
    _, votable, _ = document
    services = [r for r in votable.resources if r.type == "meta"]
    assert len(services) == 1
    service = services[0]
    params = {p.name: p for p in service.params}
    assert params["accessURL"].value == settings["CDPP_SERVER_URL"] + "/amdadb/q/dl/dlget"
    inputs = {p.name: p for group in service.groups if group.name == "inputParams"
              for p in group.entries}
    assert {"ID", "TIME", "START", "STOP", "FORMAT", "PARAM"} <= set(inputs)
    assert inputs["TIME"].xtype == "interval" and inputs["TIME"].unit == "d"
    assert np.ravel(inputs["TIME"].values.min)[0] == pytest.approx(_mjd("2015-10-16"))
    assert np.ravel(inputs["TIME"].values.max)[0] == pytest.approx(_mjd("2015-10-17"))
    assert [o[1] for o in inputs["FORMAT"].values.options] == ["CDF_ISTP", "VOTable", "ASCII", "image/png"]
    assert [o[1] for o in inputs["PARAM"].values.options] == [
        "mms1_fgm_b_gse_brst_l2", "mms1_fgm_b_gsm_brst_l2", "mms1_fgm_b_dmpa_brst_l2",
        "mms1_fgm_b_bcs_brst_l2", "mms1_fgm_r_gse_brst_l2", "mms1_fgm_r_gsm_brst_l2"]


def test_datalinklint_finds_no_errors(granules):
    """datalinklint on the documents of a granule with a file and of one served by HAPI only.

    The ``#documentation`` link is a term of http://www.ivoa.net/rdf/datalink/core
    since 2022, but STILTS 3.4.7 checks semantics against a list fixed in its
    DatalinkValidator (the 2014 terms) and never reads the vocabulary. STILTS runs
    here through CoreVocabularyStilts.java, which reads the vocabulary from its URL
    with STILTS' own reader and puts its terms in place of that list; later STILTS
    versions read the vocabulary themselves. The request goes to a local HTTP proxy
    serving the copy of the vocabulary published with pyvo (see core_vocabulary.py).
    """
    assert "documentation" in core_terms()
    for kind in ("file", "hapi"):
        with vocabulary_proxy() as (port, served):
            result = datalinklint(granules[kind]["datalink_url"], port)
        assert served, result.stderr
        report = json.loads(result.stdout)
        assert [s for s in report["sections"] if s["level"] in ("ERROR", "FAILURE")] == [], result.stdout


@pytest.mark.parametrize("serialization", ["VOTable", "VOTable;serialization=TABLEDATA"])
def test_votable_slice(dlget, serialization, tmp_path):
    response = _get(dlget, ID=_did(MMS_UID), FORMAT=serialization,
                    TIME=f"{_mjd('2015-10-16T13:06:40')} {_mjd('2015-10-16T13:07:00')}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/x-votable+xml"
    path = tmp_path / "slice.vot"
    path.write_bytes(response.content)
    assert votlint(path)[0] == []
    table = parse(str(path)).get_first_table()
    assert len(table.array) == 2560
    times = np.array(table.array["Epoch"].data, dtype="datetime64[ns]")
    assert times.min() >= np.datetime64("2015-10-16T13:06:40") and times.max() <= np.datetime64("2015-10-16T13:07:00")
    assert str(table.get_field_by_id_or_name("mms1_fgm_b_gse_brst_l2").unit) == "nT"


def test_ascii_slice_of_chosen_parameters(dlget):
    response = requests.get(dlget, params=[("ID", _did(MMS_UID)), ("FORMAT", "ASCII"),
                                           ("START", "2015-10-16T13:06:50Z"), ("STOP", "2015-10-16T13:06:51Z"),
                                           ("PARAM", "mms1_fgm_b_gse_brst_l2"), ("PARAM", "mms1_fgm_b_bcs_brst_l2")],
                            timeout=120)
    assert response.status_code == 200, response.text
    lines = response.text.splitlines()
    header = [l for l in lines if l.startswith("#")]
    rows = [l for l in lines if not l.startswith("#")]
    assert "# Dataset: mms1_fgm_brst_l2" in header
    assert "# Interval: 2015-10-16T13:06:50.000 / 2015-10-16T13:06:51.000 (UTC)" in header
    assert header[-1].split()[1:] == ["Epoch"] + [
        f"mms1_fgm_b_{frame}_brst_l2[{component}]" for frame, upper in (("gse", "GSE"), ("bcs", "BCS"))
        for component in (f"Bx_{upper}", f"By_{upper}", f"Bz_{upper}", "Bt")]
    assert len(rows) == 128 and all(len(r.split()) == 9 for r in rows)


def test_cdf_slice(dlget, tmp_path):
    response = _get(dlget, ID=_did(MMS_UID), FORMAT="CDF_ISTP",
                    TIME=f"{_mjd('2015-10-16T13:06:40')} {_mjd('2015-10-16T13:06:45')}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/x-cdf"
    path = tmp_path / "slice.cdf"
    path.write_bytes(response.content)
    cdf = cdflib.CDF(str(path))
    assert cdf.varinq("Epoch").Last_Rec + 1 == 640
    assert cdf.globalattsget()["Logical_source"] == ["mms1_fgm_brst_l2"]
    assert cdf.varattsget("mms1_fgm_b_gse_brst_l2")["UNITS"] == "nT"


def test_interval_outside_the_file_gives_an_empty_result_with_its_header(dlget, tmp_path):
    for format in ("VOTable", "ASCII"):
        response = _get(dlget, ID=_did(MMS_UID), FORMAT=format, START="2015-10-16T20:00", STOP="2015-10-16T21:00")
        assert response.status_code == 200
    assert "# Records: 0" in response.text and response.text.splitlines()[-1].startswith("# Epoch")


def _dali_error(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/x-votable+xml")
    info = parse(io.BytesIO(response.content)).resources[0].infos[0]
    assert (info.name, info.value) == ("QUERY_STATUS", "ERROR")
    return info.content


@pytest.mark.parametrize("params,status,words", [
    ({"ID": _did("no-such-dataset_20200101")}, 404, ["no granule"]),
    ({"ID": "ivo://cdpp.irap/~?amdadb/../../../../etc/passwd"}, 404, ["no granule"]),
    ({"ID": "ivo://elsewhere/~?amdadb/" + MMS_UID}, 404, ["not a granule identifier"]),
    ({"ID": _did(MMS_UID), "TIME": "57311.5 yesterday"}, 400, ["TIME"]),
    ({"ID": _did(MMS_UID), "START": "16/10/2015"}, 400, ["START"]),
    ({"ID": _did(MMS_UID), "START": "2015-10-16T14:00", "STOP": "2015-10-16T13:00"}, 400, ["before"]),
    ({"ID": _did(MMS_UID), "FORMAT": "FITS"}, 400, ["FORMAT", "CDF_ISTP", "VOTable", "ASCII"]),
    ({"ID": _did(MMS_UID), "PARAM": "../../../etc/passwd"}, 400,
     ["PARAM", "mms1_fgm_b_gse_brst_l2"]),
    ({"ID": _did(MMS_UID), "PARAM": "mms1_fgm_flag_brst_l2"}, 400, ["PARAM", "allowed"]),
    ({"ID": _did(RESTRICTED_DATASET + "_20200801")}, 403, ["not public"]),
])
def test_bad_input_gets_a_dali_error(dlget, params, status, words):
    message = _dali_error(_get(dlget, **params), status)
    for word in words:
        assert word in message


def test_restricted_and_unknown_granules_in_datalink_documents(server):
    url = server + "/amdadb/q/dl/dlmeta"
    for uid, fault in ((RESTRICTED_DATASET + "_20200801", "FatalFault"),
                       ("no-such-dataset_20200101", "NotFoundFault")):
        response = _get(url, ID=_did(uid))
        assert response.status_code == 200
        rows, _ = _links(response)
        assert len(rows) == 1 and rows[0]["error_message"].startswith(fault)


def test_granule_served_by_hapi_only(granules, dlget):
    response = _get(granules["hapi"]["datalink_url"])
    assert response.status_code == 200
    rows, votable = _links(response)
    semantics = sorted(r["semantics"] for r in rows)
    assert semantics == ["#auxiliary", "#documentation", "#this"]
    assert [r for r in votable.resources if r.type == "meta"] == []
    this = next(r for r in rows if r["semantics"] == "#this")
    assert this["access_url"] == granules["hapi"]["access_url"] and this["content_type"] == "text/csv"
    # No file here: the dataset's HAPI is the one its SPASE record names (AMDA's).
    auxiliary = next(r for r in rows if r["semantics"] == "#auxiliary")
    assert auxiliary["access_url"].startswith("https://amda.irap.omp.eu/service/hapi/info?id=")
    did = urllib.parse.parse_qs(urllib.parse.urlparse(granules["hapi"]["datalink_url"]).query)["ID"][0]
    assert "no CDF file here" in _dali_error(_get(dlget, ID=did, FORMAT="VOTable"), 404)


@pytest.fixture()
def corrupt_granule(settings):
    """A granule whose CDF file is truncated: a copy of the MMS row pointing at a cut copy of its file.

    Added to the served granules and the data directory for the test only.
    """
    uid = "datalink-test-corrupt_20151016"
    inputs = Path(settings["CDPP_GAVO_ROOT"]) / "inputs" / "amdadb" / "data" / "cdf" / "datalink-test-corrupt"
    inputs.mkdir(parents=True, exist_ok=True)
    source = next(AMDADB_CDF.rglob("mms1_fgm_brst_l2_sample.cdf"))
    (inputs / "corrupt_20151016.cdf").write_bytes(source.read_bytes()[:200000])
    url = f"{settings['CDPP_SERVER_URL']}/getproduct/amdadb/data/cdf/datalink-test-corrupt/corrupt_20151016.cdf"
    sql = ("CREATE TEMP TABLE copy AS SELECT * FROM amdadb.granules WHERE granule_uid = '{mms}';"
           " UPDATE copy SET granule_uid = '{uid}', access_url = '{url}';"
           " INSERT INTO amdadb.granules SELECT * FROM copy;").format(mms=MMS_UID, uid=uid, url=url)
    run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", settings["CDPP_DB_NAME"], "-c", sql],
        user="postgres")
    try:
        yield uid
    finally:
        run(["psql", "-X", "-q", "-d", settings["CDPP_DB_NAME"], "-c",
             f"DELETE FROM amdadb.granules WHERE granule_uid = '{uid}'"], user="postgres")
        for path in inputs.iterdir():
            path.unlink()
        inputs.rmdir()


def test_corrupt_file_fails_that_request_only(corrupt_granule, dlget):
    message = _dali_error(_get(dlget, ID=_did(corrupt_granule), FORMAT="VOTable",
                               START="2015-10-16T13:06:40", STOP="2015-10-16T13:07:00"), 500)
    assert "cannot be read" in message
    response = _get(dlget, ID=_did(MMS_UID), FORMAT="ASCII", START="2015-10-16T13:06:50", STOP="2015-10-16T13:06:51")
    assert response.status_code == 200 and len(response.text.splitlines()) > 128


@pytest.mark.parametrize("service", ["illu67p", "transplanet"])
def test_product_services_link_their_file_and_preview(tap, service, tmp_path):
    granule = tap.search(f"SELECT TOP 1 granule_uid, datalink_url, access_url, access_format, thumbnail_url"
                         f" FROM {service}.epn_core ORDER BY granule_uid").to_table()
    response = _get(granule["datalink_url"][0])
    assert response.status_code == 200
    rows, votable = _links(response)
    assert [r for r in rows if r["error_message"]] == []
    links = {r["semantics"]: r for r in rows}
    assert set(links) == {"#this", "#preview"} and len(rows) == 2
    assert links["#this"]["access_url"] == granule["access_url"][0]
    assert links["#this"]["content_type"] == granule["access_format"][0]
    assert links["#preview"]["access_url"] == granule["thumbnail_url"][0]
    product = _get(links["#this"]["access_url"])
    assert product.status_code == 200 and len(product.content) == links["#this"]["content_length"]
    preview = _get(links["#preview"]["access_url"])
    assert preview.status_code == 200 and preview.content[:8] == b"\x89PNG\r\n\x1a\n"
    path = tmp_path / "links.vot"
    path.write_bytes(response.content)
    result = subprocess.run(["stilts", "datalinklint", "format=json", f"votable={path}"],
                            capture_output=True, text=True, timeout=300)
    assert json.loads(result.stdout)["totals"]["ERROR"] == 0, result.stdout
