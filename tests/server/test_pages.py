"""The web pages of the server answer."""

import urllib.request

import pytest

from instance.__main__ import urls
from instance.dachs import SERVICES

pytestmark = pytest.mark.integration


def status(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read()


@pytest.mark.parametrize("service", SERVICES)
def test_service_pages_answer(server, service):
    for path in (f"/{service}/q/q/form", f"/{service}/q/q/info",
            f"/tableinfo/{service}.epn_core"):
        code, body = status(server + path)
        assert code == 200, path
        assert b"epn_core" in body or service.encode() in body


def test_printed_urls_answer(server, settings):
    local = dict(settings, CDPP_SERVER_URL=server)
    for label, url in urls(local):
        code, _ = status(url)
        assert code == 200, (label, url)


def test_root_page_names_the_site(server, settings):
    code, body = status(server + "/")
    assert code == 200
    assert settings["CDPP_SITE_TITLE"].encode() in body
