"""Fixtures of the HAPI tests: the test archive (``hapi_archive``) and the application serving it."""

import shutil
import urllib.parse

import pytest

from datalink.sample import write_sample_cdf
from hapi.app import make_application
from hapi_archive import (BROKEN, HALF_BROKEN, RESTRICTED, SHARED, SHARED_CDF, SAMPLE_SPASE, TWO_DAYS,
                          TWO_DAYS_PARAMETERS, Response, add_file, add_record)
from instance import settings as settings_module


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
        environ = {"REQUEST_METHOD": method, "PATH_INFO": path,
                   "QUERY_STRING": query_string if query_string is not None else urllib.parse.urlencode(query)}
        answer = {}

        def start_response(status, headers):
            answer["status"], answer["headers"] = status, dict(headers)
        body = b"".join(app(environ, start_response))
        return Response(answer["status"], answer["headers"], body)
    return send
