"""The rows DaCHS imports (`dachs imp <service>/q`): each service's granules,
completed with NULL for the table's columns they leave empty; for amdadb,
the rows of its datasets and granules tables."""

import importlib
from pathlib import Path


def granule_source(service, resdir):
    """Returns the granule iterator factory of service and its arguments for
    the bundled data under the RD's directory resdir."""
    data = Path(resdir) / "data"
    module = importlib.import_module(f"ingest.{service}")
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


def amdadb_rows(resdir, warn):
    """Yields the rows of amdadb's datasets and granules tables for the bundled
    data under the RD's directory resdir: per dataset, public or not, its
    datasets row (DATASET_COLUMNS), then its granules rows (GRANULE_COLUMNS),
    each with the name of its table under "table"; warn(message) reports
    every skipped input and every column a record leaves empty."""
    from ingest import amdadb
    from spase import Catalog

    data = Path(resdir) / "data"
    catalog = Catalog.load(str(data / "spase"))
    def on_skip(name, reason):
        warn(f"amdadb: skipped {name}: {reason}")
    def on_warning(name, message):
        warn(f"amdadb: {name}: {message}")
    for ds in amdadb.map_catalog(catalog, str(data / "cdf"), on_skip, on_warning=on_warning):
        yield {**ds.dataset_row(), "table": "datasets"}
        for values in ds.stored():
            yield {**dict(zip(amdadb.GRANULE_COLUMNS, values)), "table": "granules"}
