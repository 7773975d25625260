"""Spans reaching the last day a date can hold (StopDate 9999-12-31) map to granules
up to that day (the day after it cannot be made)."""

import shutil

from ingest import amdadb
from spase import Catalog

from amdadb_samples import NOW, SAMPLE_SPASE, SETTINGS

RECORD = ("NumericalData", "CDPP-AMDA", "ACE", "MFI", "ace-mag-real.xml")


def test_a_span_to_the_year_9999(tmp_path):
    tree = tmp_path / "spase"
    shutil.copytree(SAMPLE_SPASE, tree)
    path = tree.joinpath(*RECORD)
    text = path.read_text(encoding="utf-8")
    text = text[:text.index("<StopDate>")] + "<StopDate>9999-12-31T23:59:59Z" + text[text.index("</StopDate>"):]
    path.write_text(text, encoding="utf-8")
    skips = []
    (dataset,) = [d for d in amdadb.map_catalog(Catalog.load(str(tree)), None, lambda n, r: skips.append(r),
                                                now=NOW, settings=SETTINGS) if d.dataset_id == "ace-mag-real"]
    last = dataset.granule(len(dataset) - 1)
    assert last["granule_uid"] == "ace-mag-real_99991231" and not skips
    assert last["time_max"] - last["time_min"] < 1 and last["time_max"] == amdadb.julian_date(dataset.stop)
