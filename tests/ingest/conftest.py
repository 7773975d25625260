"""Fixtures of the amdadb ingest tests: the shared records mapped once."""

import pytest

from amdadb_samples import NOW, SETTINGS, SHARED_SPASE
from ingest import amdadb
from spase import Catalog


@pytest.fixture(scope="session")
def shared_mapping():
    """(datasets by id, skips) of the 419 shared NumericalData records."""
    skips = []
    catalog = Catalog.load(SHARED_SPASE)
    datasets = {d.dataset_id: d for d in amdadb.map_catalog(
        catalog, None, lambda n, r: skips.append((n, r)), now=NOW, settings=SETTINGS)}
    return datasets, skips
