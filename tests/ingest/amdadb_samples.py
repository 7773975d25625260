"""Paths and fixed values the amdadb ingest tests share."""

import datetime as dt
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED_SPASE = Path("/work/shared/data/spase")
SAMPLE_SPASE = REPO / "resources" / "amdadb" / "data" / "spase"
SAMPLE_CDF = REPO / "resources" / "amdadb" / "data" / "cdf"
#: The reference "now" of the tests (resolves RelativeStopDate).
NOW = dt.datetime(2025, 11, 1, tzinfo=dt.timezone.utc)
SETTINGS = {"CDPP_SERVER_URL": "http://localhost:8080", "CDPP_AUTHORITY": "cdpp.irap",
            "CDPP_HAPI_URL": "https://amda.irap.omp.eu/service/hapi"}
