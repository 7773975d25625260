"""The registry schemas, read from DaCHS's copies without the network."""

import pytest
from lxml import etree

from registry import schemas
from registry.identifiers import authority, ivoid_problems
from registry.protocol import page_size_for

OAI_ERROR = """<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
  <responseDate>2025-01-01T00:00:00Z</responseDate>
  <request>http://example.org/oai.xml</request>
  <error code="{code}">unknown verb</error>
</OAI-PMH>"""


def test_schemas_come_from_the_local_directory():
    for name in schemas.REGISTRY_SCHEMAS:
        assert (schemas.SCHEMA_DIR / name).is_file()
    resolver = schemas.LocalSchemaResolver()
    with pytest.raises(schemas.MissingSchema, match="no local copy"):
        resolver.resolve("http://www.ivoa.net/xml/NoSuchSchema-v9.xsd", None, None)


def test_oai_documents_are_checked_against_the_schema():
    assert schemas.schema_errors(etree.fromstring(OAI_ERROR.format(code="badVerb"))) == []
    errors = schemas.schema_errors(etree.fromstring(OAI_ERROR.format(code="noSuchError")))
    assert errors and "noSuchError" in errors[0]


@pytest.mark.parametrize("ivoid", ["ivo://cdpp.irap", "ivo://cdpp.irap/amdadb/q/epn_core",
    "ivo://CDPP.irap/tap", "ivo://x-y_z/a%20b/c"])
def test_valid_record_identifiers(ivoid):
    assert ivoid_problems(ivoid) == []


@pytest.mark.parametrize("ivoid, reason", [
    ("", "empty"), ("http://cdpp.irap/tap", "does not start with ivo://"),
    ("ivo://cdpp.irap/tap?x", "no query or fragment"), ("ivo://cdpp.irap/tap#aux", "fragment"),
    ("ivo://ab/tap", "not ivo://<authority>"), ("ivo://cdpp.irap//tap", "not ivo://"),
    ("ivo://cdpp.irap/t ap", "not ivo://"), ("ivo://cdpp.irap/", "ends with a slash")])
def test_invalid_record_identifiers(ivoid, reason):
    problems = ivoid_problems(ivoid)
    assert len(problems) == 1 and reason in problems[0]


def test_authorities_compare_lower_case():
    assert authority("ivo://CDPP.Irap/amdadb/q") == "cdpp.irap"
    assert authority("http://cdpp.irap") is None


@pytest.mark.parametrize("count", [3, 4, 6, 9, 10, 500])
def test_page_sizes_make_several_pages_with_a_partial_last_one(count):
    size = page_size_for(count)
    assert size < count and count % size != 0
