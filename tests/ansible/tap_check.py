"""Queries a deployed CDPP EPN-TAP server with pyvo: `python tap_check.py TAPURL...`.

For every TAP URL given, each service's epn_core table must hold granules whose
mandatory EPN-TAP columns are filled, read through TAP sync (the count) and
async (the rows, as TOPCAT asks by default), and the service must give its
examples document.  The links of an amdadb granule's DataLink document that the
server answers itself must point where the document came from (the public URL,
whatever the scheme of the proxied request DaCHS saw).  Exits non-zero, naming
the URL and the service, at the first failure.
"""

import sys
from urllib.parse import urlsplit

import pyvo
import requests
from pyvo.dal.adhoc import DatalinkResults

SERVICES = ("amdadb", "illu67p", "transplanet")
MANDATORY = ("granule_uid", "granule_gid", "obs_id", "dataproduct_type", "target_name")
#: The links of a DataLink document that the server answers itself.
OWN_LINKS = ("#this", "#preview", "#proc")


def check_datalink(tap):
    """Raises AssertionError unless the file, preview and cut-out links of the DataLink
    document of an amdadb granule with a file, and its service descriptor, point to
    the scheme, host and port the document was fetched from."""
    url = str(tap.run_sync("SELECT TOP 1 datalink_url FROM amdadb.epn_core"
                           " WHERE access_format = 'application/x-cdf'")["datalink_url"][0])
    links = DatalinkResults.from_result_url(url)
    own = [str(link.access_url) for link in links if link.semantics in OWN_LINKS]
    own += [str(param.value) for service in links.iter_adhocservices()
            for param in service.params if param.name == "accessURL"]
    elsewhere = [u for u in own if urlsplit(u)[:2] != urlsplit(url)[:2]]
    assert len(own) == len(OWN_LINKS) + 1 and not elsewhere, \
        f"{url}: links not to the server it came from: {elsewhere or own}"


def check(url):
    """Returns a list of (service, granule count) for the TAP service at url;
    raises AssertionError when a table is empty or a mandatory column is NULL."""
    tap = pyvo.dal.TAPService(url)
    counts = []
    for service in SERVICES:
        count = int(tap.run_sync(f"SELECT COUNT(*) AS n FROM {service}.epn_core")
            .to_table()["n"][0])
        assert count > 0, f"{url}: {service}.epn_core is empty"
        rows = tap.run_async(
            f"SELECT TOP 5 {', '.join(MANDATORY)} FROM {service}.epn_core").to_table()
        for column in MANDATORY:
            values = rows[column]
            assert not getattr(values, "mask", [False]).any() and all(
                str(v).strip() for v in values), f"{url}: {service}.{column} has empty values"
        counts.append((service, count))
    check_datalink(tap)
    examples = requests.get(f"{url}/examples", timeout=60)
    assert examples.status_code == 200 and 'property="query"' in examples.text, \
        f"{url}/examples: no examples document (HTTP {examples.status_code})"
    return counts


def main(urls):
    for url in urls:
        try:
            counts = check(url)
        except (AssertionError, pyvo.dal.DALServiceError, pyvo.dal.DALQueryError,
                requests.RequestException) as error:
            print(f"TAP check failed: {error}", file=sys.stderr)
            return 1
        print(f"{url}: " + ", ".join(f"{service} {count} granules" for service, count in counts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
