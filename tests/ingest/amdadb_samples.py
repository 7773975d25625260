"""Paths and fixed values the amdadb ingest tests share."""

import datetime as dt

from shared_data import REPO, SHARED_SPASE  # noqa: F401

SAMPLE_SPASE = REPO / "resources" / "amdadb" / "data" / "spase"
SAMPLE_CDF = REPO / "resources" / "amdadb" / "data" / "cdf"
#: The reference "now" of the tests (resolves RelativeStopDate).
NOW = dt.datetime(2025, 11, 1, tzinfo=dt.timezone.utc)
SETTINGS = {"CDPP_SERVER_URL": "http://localhost:8080", "CDPP_AUTHORITY": "cdpp.irap",
            "CDPP_HAPI_URL": "https://amda.irap.omp.eu/service/hapi"}
