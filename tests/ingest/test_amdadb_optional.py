"""Records lacking optional SPASE elements: published with the columns they
cannot fill left empty and a warning naming them; skipped only when a column
EPN-TAP requires (granule_uid, granule_gid, obs_id) cannot be filled."""

import datetime as dt
import io
import os
import shutil

import pytest
from lxml import etree

from ingest import amdadb, cli
from spase import Catalog

from amdadb_samples import NOW, SAMPLE_SPASE, SETTINGS

RECORD = ("NumericalData", "CDPP-AMDA", "ACE", "MFI", "ace-mag-real.xml")
DATASET = "ace-mag-real"


def _without(tmp_path, names, edit=None):
    """Copy the sample tree with the ACE record's elements of local ``names`` removed
    (and ``edit(root)`` applied); return (datasets by id, skips, warnings)."""
    tree = tmp_path / "spase"
    shutil.copytree(SAMPLE_SPASE, tree)
    path = tree.joinpath(*RECORD)
    doc = etree.parse(str(path))
    for name in names:
        found = doc.xpath(f"//*[local-name() = '{name}']")
        assert found, f"the record has no {name} to remove"
        for elem in found:
            elem.getparent().remove(elem)
    if edit:
        edit(doc.getroot())
    doc.write(str(path), xml_declaration=True, encoding="UTF-8")
    skips, warnings = [], []
    datasets = {d.dataset_id: d for d in amdadb.map_catalog(
        Catalog.load(str(tree)), None, lambda n, r: skips.append((n, r)), now=NOW,
        settings=SETTINGS, on_warning=lambda n, m: warnings.append((n, m)))}
    return datasets, skips, warnings


def _messages(warnings):
    return [m for n, m in warnings if n == DATASET]


def test_the_complete_record_gives_no_warning(tmp_path):
    datasets, skips, warnings = _without(tmp_path, [])
    assert skips == [] and _messages(warnings) == []
    assert datasets[DATASET].granule(0)["processing_level"] == 3


@pytest.mark.parametrize("names, empty", [
    # Neither ProcessingLevel nor physical Units: nothing tells the level.
    (["ProcessingLevel", "ProviderProcessingLevel", "Units"],
     ["processing_level", "processing_level_desc"]),
    (["InstrumentID"], ["instrument_name", "instrument_type", "instrument_host_name"]),
    (["InstrumentID", "ObservedRegion"],
     ["instrument_name", "instrument_host_name", "target_name", "target_class", "target_region"]),
    (["Cadence"], ["time_sampling_step_min", "time_sampling_step_max"]),
    (["ReleaseDate"], ["creation_date", "modification_date", "release_date"]),
    (["Parameter", "MeasurementType"], ["measurement_type", "processing_level"]),
], ids=["level", "instrument", "instrument-region", "cadence", "release", "parameters"])
def test_a_missing_element_leaves_its_columns_empty(tmp_path, names, empty):
    present = [n for n in names if n not in ("ProcessingLevel", "ProviderProcessingLevel")]
    datasets, skips, warnings = _without(tmp_path, present)
    assert skips == []
    ds = datasets[DATASET]
    row = ds.granule(0)
    for column in empty:
        assert row[column] is None, column
    messages = _messages(warnings)
    for column in empty:
        assert any(column in m.split(" empty:")[0] for m in messages), (column, messages)
    # The columns EPN-TAP requires are still filled.
    assert row["granule_uid"] == "ace-mag-real_20250721"
    assert row["granule_gid"] == DATASET and row["obs_id"]
    assert len(ds) == len(_without(tmp_path / "whole", [])[0][DATASET])


def test_without_an_instrument_obs_id_is_the_granule_uid(tmp_path):
    datasets, _, _ = _without(tmp_path, ["InstrumentID"])
    row = datasets[DATASET].granule(5)
    assert row["obs_id"] == row["granule_uid"]
    # Its ObservedRegion still gives the target.
    assert (row["target_name"], row["target_class"]) == ("Solar wind", "interplanetary_medium")


def test_descriptive_elements_are_optional(tmp_path):
    names = ["AlternateName", "Description", "Acknowledgement", "Contact", "InformationURL",
             "ProviderName", "Format", "Availability", "ValidMin", "ValidMax", "FillValue",
             "UnitsConversion"]
    whole = _without(tmp_path / "whole", [])[0][DATASET]
    datasets, skips, warnings = _without(tmp_path, names)
    assert skips == [] and _messages(warnings) == []
    ds = datasets[DATASET]
    assert ds.public and len(ds) == len(whole)
    assert ds.granule(0) == whole.granule(0)


def test_without_a_stop_date_the_span_runs_to_now(tmp_path):
    datasets, skips, _ = _without(tmp_path, ["StopDate"])
    assert skips == []
    ds = datasets[DATASET]
    # NOW is a midnight: the span's last granule is the day before.
    last = NOW - dt.timedelta(days=1)
    assert ds.granule(len(ds) - 1)["granule_uid"] == "ace-mag-real_" + last.strftime("%Y%m%d")


def test_without_a_time_span_no_granule_uid_can_be_made(tmp_path):
    datasets, skips, _ = _without(tmp_path, ["TemporalDescription"])
    assert DATASET not in datasets
    reason = dict(skips)[DATASET]
    assert reason.startswith("granule_uid") and "TimeSpan" in reason
    # The other records still go in.
    assert "mms1-fgm-brst" in datasets


def test_without_access_rights_the_dataset_is_not_public(tmp_path):
    datasets, skips, _ = _without(tmp_path, ["AccessRights"])
    assert skips == []
    ds = datasets[DATASET]
    assert not ds.public and ds.access_rights == "unknown"


def test_a_hapi_product_key_unlike_the_id_is_used_for_the_hapi_links(tmp_path):
    def rename_key(root):
        for key in root.xpath("//*[local-name() = 'ProductKey']"):
            key.text = "ace-imf-real"
    datasets, skips, warnings = _without(tmp_path, [], rename_key)
    assert skips == []
    row = datasets[DATASET].granule(0)
    assert row["granule_gid"] == DATASET
    assert "id=ace-imf-real&" in row["access_url"] or "dataset=ace-imf-real&" in row["access_url"]
    assert any(m.startswith("access_url") and "ace-imf-real" in m for m in _messages(warnings))


def test_the_summary_lists_the_warnings(tmp_path):
    datasets, skips, _ = _without(tmp_path, ["Cadence"])
    out = io.StringIO()
    cli.summary(list(datasets.values()), skips, out)
    text = out.getvalue()
    assert "warnings: 1 in 1 datasets" in text
    assert f"  {DATASET}: time_sampling_step_min, time_sampling_step_max empty: no Cadence" in text


@pytest.mark.integration
def test_a_dataset_without_a_level_loads_with_it_empty(server, tmp_path):
    from ingest import load

    datasets, _, _ = _without(tmp_path, ["Units"])
    schema = f"cdpp_optional_test_{os.getpid()}"
    conn = load.connect()
    try:
        with conn:
            cur = conn.cursor()
            cur.execute(f"CREATE SCHEMA {schema}")
            load.copy_structure(cur, "amdadb", schema)
        load.full_load(conn, list(datasets.values()), schema=schema)
        with conn:
            cur = conn.cursor()
            cur.execute(f"SELECT processing_level, processing_level_desc, count(*)"
                        f" FROM {schema}.epn_core WHERE granule_gid = %s GROUP BY 1, 2", (DATASET,))
            assert cur.fetchall() == [(None, None, len(datasets[DATASET]))]
    finally:
        with conn:
            cur = conn.cursor()
            cur.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            cur.execute("DELETE FROM dc.products WHERE sourcetable = %s", (f"{schema}.epn_core",))
        conn.close()
