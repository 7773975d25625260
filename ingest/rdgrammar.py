"""The rows DaCHS imports (`dachs imp <service>/q`): each service's granules,
completed with NULL for the table's columns they leave empty."""

import importlib
from pathlib import Path


def granule_source(service, resdir):
    """Returns the granule iterator factory of service and its arguments for
    the bundled data under the RD's directory resdir."""
    data = Path(resdir) / "data"
    module = importlib.import_module(f"ingest.{service}")
    if service == "amdadb":
        return module.granules, (data / "spase", data / "cdf")
    return module.granules, (data,)


def rows(service, resdir, columns, warn):
    """Yields one dict per granule of service with exactly the given columns;
    warn(message) reports every skipped input."""
    factory, args = granule_source(service, resdir)
    def on_skip(name, reason):
        warn(f"{service}: skipped {name}: {reason}")
    for granule in factory(*args, on_skip=on_skip):
        row = dict.fromkeys(columns)
        row.update(granule)
        yield row
