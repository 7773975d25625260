"""Broken and hostile SPASE files are reported (path, line, reason) and skipped."""

import shutil

import pytest

from spase import Catalog, RecordError, parse_file, read_file
from spase.safexml import MAX_FILE_BYTES

from spase_samples import SAMPLE_SPASE

GOOD = SAMPLE_SPASE / "NumericalData" / "CDPP-AMDA" / "ACE" / "MFI" / "ace-mag-real.xml"

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Spase [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<Spase xmlns="http://www.spase-group.org/data/schema"><Person>
<ResourceID>spase://X/Person/&d;</ResourceID></Person></Spase>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Spase [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Spase xmlns="http://www.spase-group.org/data/schema"><Person>
<ResourceID>spase://X/Person/p</ResourceID><PersonName>&secret;</PersonName></Person></Spase>
"""


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_entity_expansion_is_refused(tmp_path):
    with pytest.raises(RecordError) as err:
        parse_file(write(tmp_path / "laughs.xml", BILLION_LAUGHS))
    assert "DOCTYPE" in err.value.reason
    assert err.value.path.endswith("laughs.xml") and err.value.line == 2


def test_external_entities_are_never_fetched(tmp_path):
    with pytest.raises(RecordError) as err:
        read_file(write(tmp_path / "xxe.xml", EXTERNAL_ENTITY))
    assert "root:" not in str(err.value)
    assert "DOCTYPE" in err.value.reason


def test_size_limit(tmp_path):
    big = tmp_path / "big.xml"
    big.write_bytes(GOOD.read_bytes() + b"<!--" + b"x" * MAX_FILE_BYTES + b"-->")
    with pytest.raises(RecordError) as err:
        parse_file(big)
    assert "too large" in err.value.reason


def test_truncated_file_gives_its_line(tmp_path):
    lines = GOOD.read_text(encoding="utf-8").splitlines()[:40]
    with pytest.raises(RecordError) as err:
        read_file(write(tmp_path / "cut.xml", "\n".join(lines)))
    assert "not well-formed" in err.value.reason
    assert err.value.line is not None and err.value.line >= 40


def test_bad_date_gives_element_and_line(tmp_path):
    text = GOOD.read_text(encoding="utf-8").replace("2025-07-21T00:00:00Z", "21/07/2025")
    with pytest.raises(RecordError) as err:
        read_file(write(tmp_path / "date.xml", text))
    assert "StartDate" in err.value.reason and "21/07/2025" in err.value.reason
    assert err.value.line == next(i for i, l in enumerate(text.splitlines(), 1) if "21/07/2025" in l)


@pytest.mark.parametrize("text, reason", [
    ("", "empty file"),
    ("<html><body/></html>", "not <Spase>"),
    ('<Spase xmlns="http://www.spase-group.org/data/schema"><Version>2.4.1</Version></Spase>',
     "no SPASE resource"),
    ('<Spase xmlns="http://www.spase-group.org/data/schema"><Person><PersonName>x</PersonName>'
     "</Person></Spase>", "without ResourceID"),
])
def test_non_spase_documents(tmp_path, text, reason):
    with pytest.raises(RecordError) as err:
        read_file(write(tmp_path / "odd.xml", text))
    assert reason in err.value.reason


def test_batch_goes_on_past_bad_files(tmp_path):
    shutil.copytree(SAMPLE_SPASE, tmp_path / "tree")
    write(tmp_path / "tree" / "laughs.xml", BILLION_LAUGHS)
    write(tmp_path / "tree" / "Instrument" / "cut.xml", "<Spase><Instrument>")
    shutil.copy(GOOD, tmp_path / "tree" / "copy-of-ace.xml")
    reported = []
    catalog = Catalog.load(tmp_path / "tree", on_error=reported.append)
    assert len(catalog.numerical_data) == 7
    names = {e.path.rsplit("/", 1)[-1] for e in reported}
    assert {"cut.xml", "laughs.xml"} <= names and len(names) == 3
    duplicate = [e for e in reported if "duplicate ResourceID" in e.reason]
    assert len(duplicate) == 1 and len(reported) == 3
    # The second of the two files holding the record is the one left out.
    assert {duplicate[0].path.rsplit("/", 1)[-1], duplicate[0].reason.rsplit("/", 1)[-1]} == {
        "ace-mag-real.xml", "copy-of-ace.xml)"}
    assert catalog.errors == reported


NOT_SPASE = "http://example.org/not-spase"


def test_root_in_another_namespace_is_not_spase(tmp_path):
    text = GOOD.read_text(encoding="utf-8").replace(
        'xmlns="http://www.spase-group.org/data/schema"', f'xmlns="{NOT_SPASE}"', 1)
    assert NOT_SPASE in text
    with pytest.raises(RecordError) as err:
        read_file(write(tmp_path / "other.xml", text))
    assert NOT_SPASE in err.value.reason and err.value.line is not None


def test_unnamespaced_record_still_reads(tmp_path):
    text = GOOD.read_text(encoding="utf-8").replace(
        'xmlns="http://www.spase-group.org/data/schema"', "", 1)
    (resource,) = read_file(write(tmp_path / "bare.xml", text))
    assert resource.resource_id == "spase://CNES/NumericalData/CDPP-AMDA/ACE/MFI/ace-mag-real"


def test_batch_reports_a_record_in_another_namespace(tmp_path):
    shutil.copytree(SAMPLE_SPASE, tmp_path / "tree")
    target = tmp_path / "tree" / GOOD.relative_to(SAMPLE_SPASE)
    target.write_text(target.read_text(encoding="utf-8").replace(
        "http://www.spase-group.org/data/schema", NOT_SPASE), encoding="utf-8")
    reported = []
    catalog = Catalog.load(tmp_path / "tree", on_error=reported.append)
    assert len(catalog.numerical_data) == 6
    (error,) = reported
    assert error.path.endswith(GOOD.name) and NOT_SPASE in error.reason
