"""Prints, as JSON, what the HAPI server at a URL serves: its catalog, and how many
records hapiclient reads of each dataset's sample interval: `python hapi_check.py <HAPI URL>`.

Run with the venv's Python inside the Debian 13 root (it needs hapiclient)."""

import json
import sys
import tempfile

import requests
from hapiclient import hapi


def sample_records(url):
    """Returns {dataset id: records hapiclient reads of its sample interval}."""
    ids = [entry["id"] for entry in requests.get(url + "/catalog", timeout=60).json()["catalog"]]
    counts = {}
    with tempfile.TemporaryDirectory() as cache:
        for dataset in ids:
            info = requests.get(url + "/info", params={"dataset": dataset}, timeout=60).json()
            data, _ = hapi(url, dataset, "", info["sampleStartDate"], info["sampleStopDate"],
                           logging=False, cache=False, usecache=False, cachedir=cache)
            counts[dataset] = len(data)
    return counts


if __name__ == "__main__":
    print(json.dumps(sample_records(sys.argv[1]), sort_keys=True))
