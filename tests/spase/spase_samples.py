"""Paths the SPASE library tests share."""

from pathlib import Path

from shared_data import SHARED_SPASE  # noqa: F401

SAMPLE_SPASE = Path(__file__).resolve().parents[2] / "resources" / "amdadb" / "data" / "spase"
