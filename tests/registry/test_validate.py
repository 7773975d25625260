"""The validator against the running registry, and against copies of it with one
record broken on purpose (served through a relay, the server left untouched)."""

import socket
import subprocess
import sys

import pytest

from instance.dachs import SERVICES
from instance.settings import REPO
from registry.oai import OAI_NS
from registry.report import FAIL, PASS, WARN
from registry.validate import validate

from registry_servers import rename_identifier, resources_with_id

pytestmark = pytest.mark.integration

AMDADB = "ivo://{authority}/amdadb/q/epn_core"


@pytest.fixture
def report(running_report):
    return running_report


def failed_details(report):
    return [d for c in report.failures for d in c.details]


def test_running_registry_is_valid(report):
    assert report.ok, report.text()


def test_every_verb_and_error_condition_was_checked(report):
    sections = {c.section for c in report.checks}
    for section in ("Identify", "ListMetadataFormats", "ListSets", "ListIdentifiers",
            "ListRecords", "GetRecord", "Selective harvesting (from, until)",
            "Error conditions", "Resumption tokens", "VOResource records",
            "Managed authority", "Services"):
        assert section in sections
    names = [c.name for c in report.checks]
    for prefix in ("ivo_vor", "oai_dc"):
        for verb in ("ListIdentifiers", "ListRecords"):
            assert any(n.startswith(f"{verb} metadataPrefix={prefix}:") for n in names)
            assert any(n.startswith(f"{verb} metadataPrefix={prefix}&set=ivo_managed:")
                for n in names)
    errors = [c for c in report.checks if c.section == "Error conditions"]
    assert {c.name.split(":")[0] for c in errors} == {"badVerb", "badArgument",
        "cannotDisseminateFormat", "idDoesNotExist", "noRecordsMatch", "badResumptionToken"}
    assert all(c.status == PASS for c in errors if not c.name.startswith("badVerb: a missing"))


def test_resumption_tokens_were_followed(report):
    paged = [c for c in report.checks if c.section == "Resumption tokens"
        and "resumption tokens)" in c.name]
    assert paged and all(c.status == PASS for c in paged)


def test_records_of_every_epntap_table_and_the_system(report, settings):
    authority = settings["CDPP_AUTHORITY"]
    records = {c.name.split(" ")[0]: c.status for c in report.checks
        if c.section == "VOResource records" and not c.name.endswith("lesser flaws")}
    tables = [f"ivo://{authority}/{service}/q/epn_core" for service in SERVICES]
    datalinks = [f"ivo://{authority}/{service}/q/dl" for service in SERVICES]
    for ivoid in [f"ivo://{authority}", f"ivo://{authority}/__system__/services/registry",
            f"ivo://{authority}/tap", *tables, *datalinks]:
        assert records.get(ivoid) == PASS, ivoid
    services = {c.name: c for c in report.checks if c.section == "Services"}
    epntap = [n for n in services if n.startswith("each EPN-TAP table")]
    assert epntap and services[epntap[0]].status == PASS
    assert all(f"{service}.epn_core" in epntap[0] for service in SERVICES)
    assert services[f"{len(datalinks)} DataLink service record(s)"].details == sorted(datalinks)
    assert services["each table with a datalink_url column has its DataLink service's"
        " record"].status == PASS


def test_a_missing_datalink_record_is_reported(relay, base_url, settings):
    authority = settings["CDPP_AUTHORITY"]
    datalink = f"ivo://{authority}/amdadb/q/dl"

    def drop_datalink(root):
        for header in root.iter(f"{{{OAI_NS}}}header"):
            if header.findtext(f"{{{OAI_NS}}}identifier") == datalink:
                gone = header.getparent() if header.getparent().tag == f"{{{OAI_NS}}}record" \
                    else header
                gone.getparent().remove(gone)

    report = validate(relay(drop_datalink), base_url, authority)
    [check] = [c for c in report.checks if c.name.startswith("each table with a datalink_url")]
    assert check.status == WARN
    assert check.details == ["amdadb.epn_core: no record with a capability"
        " ivo://ivoa.net/std/DataLink#links-1.0 or ivo://ivoa.net/std/DataLink#links-1.1"
        " from the same resource descriptor"]


def test_a_record_without_title_fails(relay, base_url, settings):
    amdadb = AMDADB.format(authority=settings["CDPP_AUTHORITY"])

    def drop_title(root):
        for resource in resources_with_id(root, amdadb):
            resource.remove(resource.find("title"))

    report = validate(relay(drop_title), base_url, settings["CDPP_AUTHORITY"])
    assert not report.ok
    assert f"{amdadb} (CatalogResource)" in [c.name for c in report.failures]
    assert "the record has no title" in failed_details(report)
    assert any("Expected is one of ( validationLevel, title )" in d
        for d in failed_details(report))


def test_a_record_of_another_authority_fails(relay, base_url, settings):
    authority = settings["CDPP_AUTHORITY"]
    amdadb = AMDADB.format(authority=authority)
    foreign = "ivo://not.cdpp.example/amdadb/q/epn_core"
    url = relay(lambda root: rename_identifier(root, amdadb, foreign), {foreign: amdadb})
    report = validate(url, base_url, authority)
    assert not report.ok
    assert (f"the authority of {foreign} is 'not.cdpp.example', which the registry does"
        f" not manage (it manages {authority})") in failed_details(report)
    assert f"{foreign}: authority 'not.cdpp.example'" in failed_details(report)


def test_a_record_failing_the_schema_fails(relay, base_url, settings):
    amdadb = AMDADB.format(authority=settings["CDPP_AUTHORITY"])

    def bad_status(root):
        for resource in resources_with_id(root, amdadb):
            resource.set("status", "retired")

    report = validate(relay(bad_status), base_url, settings["CDPP_AUTHORITY"])
    assert not report.ok
    schema = [d for d in failed_details(report) if d.startswith("schema:")]
    assert any("'status'" in d and "'retired'" in d for d in schema), schema
    assert all(c.status != FAIL for c in report.checks if c.section == "Error conditions")


def test_validate_command_exits_non_zero_on_failure(server, relay, settings):
    url = relay(lambda root: [r.remove(r.find("title")) for r in resources_with_id(
        root, AMDADB.format(authority=settings["CDPP_AUTHORITY"]))])
    result = subprocess.run([sys.executable, "-m", "registry", "validate", "--url", url],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "the record has no title" in result.stdout
    assert "The registry is NOT VALID." in result.stdout


def test_an_endpoint_that_is_not_oai_pmh_fails_clearly(server):
    report = validate(server + "/tap/capabilities")
    assert not report.ok
    [failure] = report.failures
    assert failure.name == "the endpoint answers OAI-PMH"
    assert "not OAI-PMH" in failure.details[0] and "/tap/capabilities" in failure.details[0]


def test_an_endpoint_that_does_not_answer_fails_clearly():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    report = validate(f"http://127.0.0.1:{port}/oai.xml")
    assert [c.name for c in report.failures] == ["the endpoint answers OAI-PMH"]
    assert f"127.0.0.1:{port}" in report.failures[0].details[0]
