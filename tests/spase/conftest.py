"""Fixtures of the SPASE library tests: the shared SPASE records."""

import pytest

from spase import Catalog
from spase_samples import SHARED_SPASE


@pytest.fixture(scope="session")
def shared_catalog():
    """The Catalog of all 982 shared SPASE records."""
    return Catalog.load(SHARED_SPASE)


@pytest.fixture(scope="session")
def spase_record():
    """A function returning the text of a shared record, by its path below NumericalData/CDPP-AMDA."""
    def read(relative):
        return (SHARED_SPASE / "NumericalData" / "CDPP-AMDA" / relative).read_text(encoding="utf-8")
    return read
