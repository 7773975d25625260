"""Fixtures of the registry tests: the registry's URLs, a relay that breaks
records of the running registry on their way to the validator, and a local
stand-in for the RofR's HarvestValidater."""

import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler

import pytest
from lxml import etree

from registry.validate import validate
from registry_servers import FakeRofR, Serving


@pytest.fixture(scope="session")
def oai_url(server):
    """The OAI-PMH endpoint of the running instance, as this host reaches it."""
    return server + "/oai.xml"


@pytest.fixture(scope="session")
def base_url(settings):
    """The base URL the registry publishes."""
    return settings["CDPP_SERVER_URL"].rstrip("/") + "/oai.xml"


@pytest.fixture(scope="session")
def running_report(oai_url, base_url, settings):
    """The validation report of the running registry."""
    return validate(oai_url, base_url, settings["CDPP_AUTHORITY"])


@pytest.fixture
def relay(oai_url):
    """Returns start(change, renamed=None): serves the running registry at a local
    URL, passing each response document through change(root) (which edits it in
    place); renamed maps identifiers the relay shows to the registry's own, so
    that requests naming a renamed record reach it.  Returns the relay's URL."""
    servers = []

    def start(change, renamed=None):
        renamed = renamed or {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                query = urllib.parse.urlsplit(self.path).query
                params = urllib.parse.parse_qsl(query, keep_blank_values=True)
                params = [(k, renamed.get(v, v)) for k, v in params]
                with urllib.request.urlopen(f"{oai_url}?{urllib.parse.urlencode(params)}",
                        timeout=60) as upstream:
                    root = etree.fromstring(upstream.read())
                change(root)
                body = etree.tostring(root, xml_declaration=True, encoding="utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        serving = Serving(Handler)
        servers.append(serving)
        return serving.url + "/oai.xml"

    yield start
    for serving in servers:
        serving.close()


@pytest.fixture
def fake_rofr():
    """Returns make(validation_status="pass"): a running FakeRofR."""
    made = []

    def make(validation_status="pass"):
        made.append(FakeRofR(validation_status))
        return made[-1]

    yield make
    for fake in made:
        fake.serving.close()
