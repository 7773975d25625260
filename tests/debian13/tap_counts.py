"""Prints, as JSON, the number of rows of each epn_core table that a TAP
service lists in its TAP_SCHEMA: `python tap_counts.py <TAP URL>`.  The list
comes through TAP sync, the counts through async jobs (which DaCHS runs in
processes of their own).

Run with the venv's Python inside the Debian 13 root (it needs pyvo)."""

import json
import sys

import pyvo


def epn_core_counts(url):
    """Returns {table name: row count} of the TAP service's *.epn_core tables."""
    tap = pyvo.dal.TAPService(url)
    names = [row["table_name"] for row in tap.run_sync(
        "SELECT table_name FROM tap_schema.tables WHERE table_name LIKE '%.epn_core'")]
    return {name: int(tap.run_async(f"SELECT COUNT(*) AS n FROM {name}")[0]["n"])
        for name in names}


if __name__ == "__main__":
    print(json.dumps(epn_core_counts(sys.argv[1]), sort_keys=True))
