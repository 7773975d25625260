"""Registration with the RofR: what is sent to a local HarvestValidater, and
the refusals (loopback URL, failed validation) that send nothing."""

import subprocess
import sys

import pytest

from instance.settings import REPO
from registry import rofr
from registry.validate import validate

PUBLIC_URL = "https://cdpp.example.org/oai.xml"


def test_submit_sends_the_endpoint_and_registers(fake_rofr):
    fake = fake_rofr("pass")
    said = []
    registered, exchanges = rofr.submit(fake.validator_url, PUBLIC_URL, say=said.append)
    assert registered
    assert [r["query"].get("op") for r in fake.requests] == ["StartSession", "Validate",
        "Register"]
    assert all(r["path"] == "/regvalidate/HarvestValidater" for r in fake.requests)
    start, check, register = fake.requests
    assert start["query"]["endpoint"] == PUBLIC_URL + "?"
    assert start["query"]["errorFormat"] == "json"
    assert check["query"]["format"] == "xml"
    for later in (check, register):
        assert later["query"]["runid"] == "42"
        assert later["query"]["endpoint"] == PUBLIC_URL + "?"
        assert "JSESSIONID=abc123" in later["cookie"]
    assert [e.step for e in exchanges] == ["StartSession", "Validate", "Register"]
    assert said[0].startswith(f"-> StartSession: GET {fake.validator_url}?endpoint=")
    assert "Your registry has been registered." in said[-1]


def test_submit_does_not_register_when_the_rofr_validation_fails(fake_rofr):
    fake = fake_rofr("fail")
    said = []
    registered, _ = rofr.submit(fake.validator_url, PUBLIC_URL, say=said.append)
    assert not registered
    assert [r["query"].get("op") for r in fake.requests] == ["StartSession", "Validate"]
    assert "Service must respond to a legal OAI Identify query." in said[-1]


def test_submit_reports_an_answer_outside_the_protocol(fake_rofr):
    fake = fake_rofr("pass")
    with pytest.raises(rofr.RofRError, match="HTTP 404"):
        rofr.submit(fake.url + "/elsewhere", PUBLIC_URL, say=lambda text: None)


@pytest.mark.parametrize("url", ["http://localhost:8080/oai.xml", "http://127.0.0.2/oai.xml",
    "http://[::1]:8080/oai.xml"])
def test_loopback_urls_cannot_be_registered(url):
    assert "loopback" in rofr.loopback_reason(url)


def test_unresolvable_and_public_urls():
    assert "does not resolve" in rofr.loopback_reason("http://no-such-host.invalid/oai.xml")
    assert rofr.loopback_reason("http://192.0.2.10/oai.xml") is None


def test_validation_outcome_reads_failed_tests():
    passed, failures = rofr.validation_outcome('<RegistryValidation status="fail" nfail="1">'
        '<testQuery><test item="VRvalid" status="fail">Resource record is not'
        ' valid</test><test item="x" status="pass">fine</test></testQuery>'
        '</RegistryValidation>')
    assert not passed and failures == ["Resource record is not valid"]
    assert rofr.validation_outcome('<RegistryValidation status="pass" nfail="0"/>') == (True, [])
    with pytest.raises(rofr.RofRError):
        rofr.validation_outcome("<html>Internal error")


@pytest.mark.integration
def test_register_refuses_a_loopback_registry(fake_rofr, running_report):
    fake = fake_rofr("pass")
    report = running_report
    assert report.ok and rofr.loopback_reason(report.base_url)
    with pytest.raises(rofr.Refused, match="loopback"):
        rofr.register(report, fake.validator_url, say=lambda text: None)
    assert fake.requests == []


@pytest.mark.integration
def test_register_refuses_a_registry_failing_validation(fake_rofr, oai_url, settings):
    fake = fake_rofr("pass")
    report = validate(oai_url, "http://192.0.2.10/oai.xml", settings["CDPP_AUTHORITY"])
    assert [c.name for c in report.failures] == ["baseURL is http://192.0.2.10/oai.xml",
        "the Registry record ivo://{}/__system__/services/registry (managed authority: {})"
        .format(settings["CDPP_AUTHORITY"], settings["CDPP_AUTHORITY"])]
    with pytest.raises(rofr.Refused, match="the validation of http://192.0.2.10/oai.xml"
            " failed"):
        rofr.register(report, fake.validator_url, say=lambda text: None)
    assert fake.requests == []


@pytest.mark.integration
def test_register_command_refuses_the_loopback_server_url(fake_rofr, server):
    fake = fake_rofr("pass")
    result = subprocess.run([sys.executable, "-m", "registry", "register", "--base-url",
        "http://127.0.0.1:8080/oai.xml", "--rofr-url", fake.validator_url], cwd=REPO,
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert "not registering" in result.stderr and "loopback" in result.stderr
    assert fake.requests == []
