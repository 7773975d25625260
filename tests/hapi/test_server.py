"""HAPI on the running server (behind the proxy, /hapi): the HAPI verifier, hapiclient, and DataLink's links to it."""

import io
import urllib.parse

import cdflib
import numpy as np
import pytest
import requests
from astropy.io.votable import parse

from instance.settings import REPO
from verifier import verify

pytestmark = pytest.mark.integration

SAMPLE = REPO / "resources" / "amdadb" / "data"
MMS = "mms1-fgm-brst"
MMS_FILE = SAMPLE / "cdf" / MMS / "mms1_fgm_brst_l2_sample.cdf"
INTERVAL = ("2015-10-16T13:06:00Z", "2015-10-16T13:06:30Z")


def served_sample():
    """The datasets of the sample HAPI must serve: public records with files in the sample's archive."""
    from ingest import amdadb
    from spase import Catalog
    return sorted(ds.hapi_id for ds in amdadb.map_catalog(Catalog.load(str(SAMPLE / "spase")))
                  if ds.public and (SAMPLE / "cdf" / ds.dataset_id).is_dir())


def test_catalog_is_the_public_sample_with_files(server):
    answer = requests.get(server + "/hapi/catalog", timeout=30)
    assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Origin"] == "*"
    ids = [entry["id"] for entry in answer.json()["catalog"]]
    assert ids == served_sample() and MMS in ids
    # The sample's restricted dataset has a file too, and is not served.
    assert (SAMPLE / "cdf" / "so-pas-momgr1").is_dir() and "so-pas-momgr1" not in ids


def test_verifier_finds_no_failure(server):
    report = verify(server + "/hapi")
    fails = [f"{f['description'][:200]} | {str(f['got'])[:200]} | {f['url']}" for f in report["fails"]]
    assert fails == []
    checked = {urllib.parse.parse_qs(urllib.parse.urlparse(p["url"]).query).get("id", [None])[0]
               for p in report["passes"] if "/hapi/data" in p["url"]}
    assert set(served_sample()) <= checked, checked
    assert len(report["passes"]) > 100


def _cdflib_read(name):
    """Times (datetime64) and values of ``name`` in INTERVAL (stop excluded), read with cdflib alone."""
    cdf = cdflib.CDF(str(MMS_FILE))
    epochs = cdf.varget("Epoch")
    times = cdflib.cdfepoch.to_datetime(epochs)
    keep = (times >= np.datetime64(INTERVAL[0][:-1])) & (times < np.datetime64(INTERVAL[1][:-1]))
    return times[keep], cdf.varget(name)[keep]


@pytest.mark.parametrize("data_format", ["binary", "csv"])
def test_hapiclient_reads_what_cdflib_reads(server, data_format, tmp_path):
    from hapiclient import hapi
    name = "mms1_fgm_b_gse_brst_l2"
    data, meta = hapi(server + "/hapi", MMS, name, *INTERVAL, format=data_format, logging=False,
                      cache=False, usecache=False, cachedir=str(tmp_path))
    times, values = _cdflib_read(name)
    assert [p["name"] for p in meta["parameters"]] == ["Time", name]
    assert len(data) == len(times) > 1000
    read_times = np.array([t.decode().rstrip("Z") for t in data["Time"]], dtype="datetime64[ns]")
    assert np.array_equal(read_times, times)
    # binary holds each float32 exactly; csv its shortest text, which reads back to the same float32
    assert np.array_equal(data[name].astype(np.float32), values)


def _links(server):
    answer = requests.get(server + "/amdadb/q/dl/dlmeta", params={"ID": f"ivo://cdpp.irap/~?amdadb/{MMS}_20151016"},
                          timeout=60)
    assert answer.status_code == 200
    table = parse(io.BytesIO(answer.content)).get_first_table().to_table()
    return [{k: (v.decode() if isinstance(v, bytes) else v) for k, v in zip(table.colnames, row)} for row in table]


def test_datalink_auxiliary_gives_the_slice(server, settings):
    """The HAPI data DataLink offers for a granule holds what its #proc slice holds."""
    links = _links(server)
    data_url = next(r["access_url"] for r in links if r["semantics"] == "#auxiliary" and "/data?" in r["access_url"])
    info_url = next(r["access_url"] for r in links if r["semantics"] == "#auxiliary" and "/info?" in r["access_url"])
    public = settings["CDPP_SERVER_URL"].rstrip("/")
    assert data_url.startswith(public + "/hapi/data?") and info_url.startswith(public + "/hapi/info?")
    local = lambda url: server + url[len(public):]  # noqa: E731
    assert requests.get(local(info_url), timeout=30).json()["status"]["code"] == 1200
    hapi_rows = requests.get(local(data_url), timeout=60).text.splitlines()
    sliced = requests.get(server + "/amdadb/q/dl/dlget", timeout=60, params={
        "ID": f"ivo://cdpp.irap/~?amdadb/{MMS}_20151016", "FORMAT": "ASCII",
        "START": "2015-10-16T00:00:00", "STOP": "2015-10-17T00:00:00"})
    assert sliced.status_code == 200
    slice_rows = [line.split() for line in sliced.text.splitlines() if not line.startswith("#")]
    assert len(hapi_rows) == len(slice_rows) == 17792
    assert [row.split(",") for row in hapi_rows] == [[row[0] + "Z"] + row[1:] for row in slice_rows]


def test_csv_is_compressed_for_clients_that_accept_it(server):
    params = {"dataset": MMS, "start": INTERVAL[0], "stop": INTERVAL[1]}
    compressed = requests.get(server + "/hapi/data", params=params, headers={"Accept-Encoding": "gzip"}, timeout=60)
    plain = requests.get(server + "/hapi/data", params=params, headers={"Accept-Encoding": "identity"}, timeout=60)
    assert compressed.headers.get("Content-Encoding") == "gzip" and "Content-Encoding" not in plain.headers
    assert compressed.content == plain.content and len(plain.content) > 100_000


def test_restricted_dataset_is_unknown(server):
    for path, params in (("info", {}), ("data", {"start": "2020-04-15", "stop": "2020-04-16"})):
        answer = requests.get(f"{server}/hapi/{path}", timeout=30, params={"dataset": "so-pas-momgr1", **params})
        assert answer.status_code == 404 and answer.json()["status"]["code"] == 1406
