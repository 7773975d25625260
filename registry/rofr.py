"""Registration of the publishing registry with the IVOA Registry of Registries.

The RofR's HarvestValidater registers a registry in three requests of one session:
StartSession (with the OAI-PMH endpoint), Validate (the RofR harvests and checks
the endpoint) and Register.  Registration is refused here before any request when
the registry's own validation failed or when its URL is a loopback address.
"""

import ipaddress
import re
import socket
import urllib.parse
from dataclasses import dataclass

import requests
from lxml import etree

TIMEOUT = 600


class Refused(Exception):
    """Registration refused before anything was sent."""


class RofRError(Exception):
    """The RofR's answer was not what its protocol promises."""


@dataclass
class Exchange:
    """One request to the RofR and its answer."""
    step: str
    url: str
    status: int
    body: str

    def text(self, limit=2000):
        """Returns the exchange as text for the operator: what was sent, what came back."""
        body = self.body if len(self.body) <= limit else self.body[:limit] + " [...]"
        return f"-> {self.step}: GET {self.url}\n<- HTTP {self.status}\n{body.strip()}"


def loopback_reason(url):
    """Returns why the world cannot reach url (a loopback or unresolvable host),
    or None when its host has a non-loopback address."""
    host = urllib.parse.urlsplit(url).hostname
    if not host:
        return f"{url} names no host"
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as error:
        return f"the host {host} of {url} does not resolve ({error})"
    if all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        return (f"{url} is on a loopback address ({', '.join(sorted(addresses))}):"
            " set CDPP_SERVER_URL to the server's public URL")
    return None


def _session_url(body):
    """Returns the sessionURL of a StartSession answer (the RofR writes it as
    JavaScript-style JSON with single quotes)."""
    match = re.search(r"""["']?sessionURL["']?\s*:\s*["']([^"']+)["']""", body)
    if not match:
        raise RofRError(f"StartSession gave no sessionURL: {body[:500]!r}")
    url = match.group(1)
    return url if url.endswith(("?", "&")) else url + "&"


def validation_outcome(body):
    """Returns (passed, failures) from the XML answer of the RofR's Validate step:
    the RegistryValidation status and the texts of its failed tests."""
    try:
        root = etree.fromstring(body.encode() if isinstance(body, str) else body)
    except etree.XMLSyntaxError as error:
        raise RofRError(f"Validate did not answer XML ({error})")
    failures = [" ".join((t.text or t.get("item", "")).split())
        for t in root.iter("test") if t.get("status") == "fail"]
    status = root.get("status", "").lower()
    nfail = int(root.get("nfail", "0") or 0)
    return status in ("pass", "passed", "ok") and nfail == 0 and not failures, failures


def submit(rofr_url, oai_url, timeout=TIMEOUT, say=print):
    """Registers oai_url (the OAI-PMH base URL) with the RofR's HarvestValidater
    at rofr_url; says each exchange as it happens. Returns (registered,
    exchanges); raises RofRError when the RofR answers outside its protocol."""
    exchanges = []
    with requests.Session() as session:
        def get(step, url):
            response = session.get(url, timeout=timeout)
            exchange = Exchange(step, response.url, response.status_code, response.text)
            exchanges.append(exchange)
            say(exchange.text())
            if response.status_code != 200:
                raise RofRError(f"{step}: HTTP {response.status_code}")
            return response.text

        query = urllib.parse.urlencode({"endpoint": oai_url + "?", "op": "StartSession",
            "errorFormat": "json"})
        run_url = _session_url(get("StartSession", f"{rofr_url}?{query}"))
        passed, failures = validation_outcome(get("Validate", run_url + "op=Validate&format=xml"))
        if not passed:
            say("The RofR's validation failed; nothing registered:"
                + "".join(f"\n  {f}" for f in failures))
            return False, exchanges
        get("Register", run_url + "op=Register")
    return True, exchanges


def register(report, rofr_url, timeout=TIMEOUT, say=print):
    """Registers the registry validated by report (a passed validate.Report of its
    published base URL) with the RofR; raises Refused when the validation failed
    or the URL is a loopback one. Returns (registered, exchanges)."""
    reason = loopback_reason(report.base_url)
    if reason:
        raise Refused(f"not registering: {reason}; a registry the world cannot reach"
            " cannot be registered")
    if not report.ok:
        raise Refused(f"not registering: the validation of {report.base_url} failed"
            f" ({len(report.failures)} failed checks)")
    say(f"Registering {report.base_url} with the RofR at {rofr_url}")
    return submit(rofr_url, report.base_url, timeout=timeout, say=say)
