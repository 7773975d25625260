"""Where the shared real data (SPASE records, CDF files) lies: the `shared/`
folder beside the repository."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
SHARED_SPASE = SHARED_DATA / "spase"
