"""Queries a deployed CDPP EPN-TAP server with pyvo: `python tap_check.py TAPURL...`.

For every TAP URL given, each service's epn_core table must hold granules whose
mandatory EPN-TAP columns are filled, read through TAP sync (the count) and
async (the rows, as TOPCAT asks by default), and the service must give its
examples document.  Exits non-zero, naming the URL and the service, at the first
failure.
"""

import sys

import pyvo
import requests

SERVICES = ("amdadb", "illu67p", "transplanet")
MANDATORY = ("granule_uid", "granule_gid", "obs_id", "dataproduct_type", "target_name")


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
