"""Fixtures of the HAPI tests: an archive made of the shared CDF files, and the application serving it.

Each shared file is the one file of a dataset whose SPASE record is the
sample's MMS record under another id; ``two-days`` holds two sample files
of consecutive days, ``restricted-set`` a record whose AccessRights are
PartiallyRestricted, ``broken-set`` a truncated file and ``half-broken-set``
a good file (ACE, 2022-01-01) and a truncated one of the next day.
"""

import shutil
from collections import namedtuple
from pathlib import Path

import orjson
import pytest

from datalink.sample import SampleParameter, write_sample_cdf
from hapi.app import make_application
from instance import settings as settings_module
from instance.settings import REPO

SHARED_CDF = REPO / "tests" / "datalink" / "data"
SAMPLE_SPASE = REPO / "resources" / "amdadb" / "data" / "spase"
TEMPLATE = SAMPLE_SPASE / "NumericalData" / "CDPP-AMDA" / "MMS" / "MMS1" / "FGM" / "mms1-fgm-brst.xml"
#: The HAPI id of each shared file's dataset.
SHARED = {"ac-k2-mfi": "ac_k2_mfi_20220101_v03.cdf", "de2-ion2s-rpa": "de2_ion2s_rpa_19830213_v01.cdf",
          "mms1-fgm-brst": "mms1_fgm_brst_l2_sample.cdf", "psp-fld-mag": "psp_fld_l2_mag_rtn_1min_20200104_v02.cdf",
          "psp-isois-epilo": "psp_isois-epilo_l2-ic_20190401_v0.0.0.cdf",
          "rbspa-hope-pa": "rbspa_rel04_ect-hope-PA-L3_20121201_v0.0.0.cdf"}
TWO_DAYS = "two-days"
RESTRICTED = "restricted-set"
BROKEN = "broken-set"
HALF_BROKEN = "half-broken-set"
TWO_DAYS_PARAMETERS = [SampleParameter("b_gse", "nT", -1e31, 3, "Magnetic field, GSE", "phys.magField"),
                       SampleParameter("density", "cm^-3", -1e31, None, "Ion density")]

Response = namedtuple("Response", "status headers body")


def add_record(spase_dir, dataset_id, rights="Open"):
    """Write the sample's MMS record under ``dataset_id`` (and ``rights``) into ``spase_dir``."""
    text = TEMPLATE.read_text(encoding="utf-8").replace("mms1-fgm-brst", dataset_id)
    text = text.replace("<AccessRights>Open</AccessRights>", f"<AccessRights>{rights}</AccessRights>")
    (spase_dir / "NumericalData" / f"{dataset_id}.xml").write_text(text, encoding="utf-8")


def add_file(data_dir, dataset_id, source, name=None):
    """Copy ``source`` into the dataset's directory of the archive; return the copy's path."""
    directory = data_dir / dataset_id
    directory.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(source, directory / (name or Path(source).name)))


@pytest.fixture(scope="session")
def archive(tmp_path_factory):
    """(SPASE tree, CDF archive) of the test datasets."""
    root = tmp_path_factory.mktemp("hapi-archive")
    spase_dir, data_dir = root / "spase", root / "cdf"
    for kind in ("Instrument", "Observatory"):
        shutil.copytree(SAMPLE_SPASE / kind, spase_dir / kind)
    (spase_dir / "NumericalData").mkdir()
    for dataset_id, name in SHARED.items():
        add_record(spase_dir, dataset_id)
        add_file(data_dir, dataset_id, SHARED_CDF / name)
    add_record(spase_dir, TWO_DAYS)
    for day in (1, 2):
        (data_dir / TWO_DAYS).mkdir(parents=True, exist_ok=True)
        write_sample_cdf(data_dir / TWO_DAYS / f"two_days_2020010{day}.cdf", TWO_DAYS, TWO_DAYS_PARAMETERS,
                         f"2020-01-0{day}T00:00:00", f"2020-01-0{day + 1}T00:00:00", 60.0, seed=day)
    add_record(spase_dir, RESTRICTED, rights="PartiallyRestricted")
    add_file(data_dir, RESTRICTED, SHARED_CDF / SHARED["ac-k2-mfi"])
    add_record(spase_dir, BROKEN)
    broken = add_file(data_dir, BROKEN, SHARED_CDF / SHARED["mms1-fgm-brst"], "broken_20151016.cdf")
    broken.write_bytes(broken.read_bytes()[: broken.stat().st_size // 3])
    add_record(spase_dir, HALF_BROKEN)
    add_file(data_dir, HALF_BROKEN, SHARED_CDF / SHARED["ac-k2-mfi"])
    broken = add_file(data_dir, HALF_BROKEN, SHARED_CDF / SHARED["ac-k2-mfi"], "ac_k2_mfi_20220102_v03.cdf")
    broken.write_bytes(broken.read_bytes()[:2000])
    return spase_dir, data_dir


@pytest.fixture(scope="session")
def app(archive):
    """The HAPI application serving the test archive."""
    return make_application(*archive, settings_module.load())


@pytest.fixture(scope="session")
def get(app):
    """A function sending a GET (or ``method``) to the application: get(path, **query) -> Response."""
    def send(path, method="GET", query_string=None, **query):
        import urllib.parse
        environ = {"REQUEST_METHOD": method, "PATH_INFO": path,
                   "QUERY_STRING": query_string if query_string is not None else urllib.parse.urlencode(query)}
        answer = {}

        def start_response(status, headers):
            answer["status"], answer["headers"] = status, dict(headers)
        body = b"".join(app(environ, start_response))
        return Response(answer["status"], answer["headers"], body)
    return send


def json_of(response):
    """Return the JSON document of a response."""
    return orjson.loads(response.body)
