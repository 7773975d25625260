"""The datasets the HAPI server serves: amdadb's public SPASE records whose data are in the local archive.

The records are mapped by :func:`ingest.amdadb.map_catalog`, the mapping of
the EPN-TAP granules: a dataset is served under the HAPI id its granules'
links use, only when its AccessRights are Open, and only when its
directory of the archive (``<data_dir>/<dataset id>/``) holds CDF files.
:class:`Archive` reads the SPASE tree again when a record changes or a
dataset directory is added or removed, and a dataset's files by day
(:func:`ingest.cdf_archive.index_dataset`) again when its directory changes.
"""

import logging
import os
import threading
import time
from dataclasses import dataclass, field

from ingest import amdadb, cdf_archive
from spase import Catalog
from spase.records import NumericalData

LOG = logging.getLogger("hapi")
#: Seconds between two looks at the SPASE tree and the archive for changes.
REFRESH_SECONDS = 10.0


def _tree_signature(top, files=True):
    """Return what changes when a file is added, removed or (with ``files``) rewritten under ``top``."""
    found = []
    for root, dirs, names in os.walk(top):
        dirs.sort()
        found.append((root, os.stat(root).st_mtime_ns))
        if files:
            for name in sorted(names):
                try:
                    found.append((name, os.stat(os.path.join(root, name)).st_mtime_ns))
                except OSError:
                    continue
    return tuple(found)


def _has_cdf(top):
    """Return True if the directory tree ``top`` holds a ``.cdf`` file."""
    return any(name.lower().endswith(".cdf") for _, _, names in os.walk(top) for name in names)


@dataclass
class Dataset:
    """A dataset served: its HAPI id, SPASE record, granule mapping and archive directory."""

    id: str
    record: NumericalData
    mapped: amdadb.Dataset
    directory: str
    _days: tuple = field(default=(None, None), repr=False)

    @property
    def title(self):
        """Return a short name of the dataset (its SPASE ResourceName, else its id)."""
        return self.record.header.name or self.id

    def days(self):
        """Return {date: path} of the dataset's CDF files (read again when the directory changed)."""
        signature = _tree_signature(self.directory, files=False)
        cached_signature, days = self._days
        if cached_signature != signature:
            days = cdf_archive.index_dataset(
                self.directory, lambda path, reason: LOG.warning("%s: %s", path, reason))
            self._days = (signature, days)
        return days

    def files(self, first_day=None, last_day=None, days=None):
        """Return the paths of the files holding the days ``first_day``..``last_day`` (dates), in time order.

        Each path comes once, with the first and last day it holds: a list
        of (path, first day, last day).  ``days`` is a :meth:`days` already
        read (the directory is read otherwise).
        """
        spans = {}
        for day, path in sorted((self.days() if days is None else days).items()):
            if (first_day is None or day >= first_day) and (last_day is None or day <= last_day):
                first, _ = spans.get(path, (day, day))
                spans[path] = (first, day)
        return sorted(((path, first, last) for path, (first, last) in spans.items()),
                      key=lambda item: item[1])


class Archive:
    """The datasets served from a SPASE tree and a CDF archive, kept up to date with both."""

    def __init__(self, spase_dir, data_dir, settings=None):
        self.spase_dir, self.data_dir, self.settings = str(spase_dir), str(data_dir), settings
        self._lock = threading.Lock()
        self._checked = 0.0
        self._stamp = None
        self._datasets = {}
        #: When the datasets were last read (a Unix time).
        self.loaded = time.time()

    def _stamp_now(self):
        data = tuple(sorted(os.listdir(self.data_dir))) if os.path.isdir(self.data_dir) else ()
        spase = _tree_signature(self.spase_dir) if os.path.isdir(self.spase_dir) else ()
        return spase, data

    def _load(self):
        """Return {HAPI id: :class:`Dataset`} of the public records with files in the archive."""
        def skipped(name, reason):
            LOG.warning("SPASE %s left out: %s", name, reason)

        if not os.path.isdir(self.spase_dir):
            LOG.warning("no SPASE directory %s: no dataset served", self.spase_dir)
            return {}
        catalog = Catalog.load(self.spase_dir)
        records = {record.resource_id: record for record in catalog.numerical_data}
        served = {}
        for mapped in amdadb.map_catalog(catalog, None, skipped, settings=self.settings):
            directory = os.path.join(self.data_dir, mapped.dataset_id)
            if not mapped.public or not os.path.isdir(directory) or not _has_cdf(directory):
                continue
            hapi_id = mapped.hapi_id or mapped.dataset_id
            if hapi_id in served:
                LOG.warning("SPASE %s left out: HAPI id %s already served for %s",
                            mapped.resource_id, hapi_id, served[hapi_id].record.resource_id)
                continue
            served[hapi_id] = Dataset(hapi_id, records[mapped.resource_id], mapped, directory)
        return served

    def datasets(self):
        """Return {HAPI id: :class:`Dataset`}, read again when the SPASE tree or the archive changed."""
        with self._lock:
            if time.monotonic() - self._checked >= REFRESH_SECONDS or self._stamp is None:
                stamp = self._stamp_now()
                if stamp != self._stamp:
                    self._datasets, self._stamp, self.loaded = self._load(), stamp, time.time()
                    LOG.info("serving %d datasets", len(self._datasets))
                self._checked = time.monotonic()
            return self._datasets

    def get(self, hapi_id):
        """Return the :class:`Dataset` served as ``hapi_id``, or None."""
        return self.datasets().get(hapi_id) if isinstance(hapi_id, str) else None
