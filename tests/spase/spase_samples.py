"""Paths the SPASE library tests share."""

from pathlib import Path

SHARED_SPASE = Path("/work/shared/data/spase")
SAMPLE_SPASE = Path(__file__).resolve().parents[2] / "resources" / "amdadb" / "data" / "spase"
