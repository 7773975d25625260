"""A directory tree of SPASE records, indexed by ResourceID, with references resolved."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from spase import records as r
from spase.reader import read_file
from spase.safexml import RecordError


def iter_xml_files(directory):
    """Return the sorted paths of the ``*.xml`` files under ``directory``."""
    found = []
    for root, dirs, files in os.walk(directory):
        dirs.sort()
        found.extend(os.path.join(root, f) for f in sorted(files) if f.lower().endswith(".xml"))
    return found


@dataclass
class Catalog:
    """All resources read from a tree, by ResourceID, plus the files that failed.

    ``errors`` holds one RecordError per file (or duplicate resource) that
    was skipped.
    """

    resources: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)

    @classmethod
    def load(cls, directory, on_error=None):
        """Return the Catalog of every SPASE file under ``directory``.

        A file that cannot be read is recorded in ``errors`` (and passed to
        ``on_error(RecordError)`` if given); loading goes on with the rest.
        """
        if not os.path.isdir(directory):
            raise FileNotFoundError(f"SPASE directory not found: {directory}")
        catalog = cls()
        for path in iter_xml_files(directory):
            catalog.add_file(path, on_error)
        return catalog

    def add_file(self, path, on_error=None):
        """Read one file into the catalog; return its resources ([] if it failed)."""
        try:
            found = read_file(path)
        except RecordError as exc:
            self._fail(exc, on_error)
            return []
        kept = []
        for res in found:
            previous = self.resources.get(res.resource_id)
            if previous is not None:
                self._fail(RecordError(path, f"duplicate ResourceID {res.resource_id} "
                                       f"(first defined in {previous.path})"), on_error)
                continue
            self.resources[res.resource_id] = res
            kept.append(res)
        return kept

    def _fail(self, exc, on_error):
        self.errors.append(exc)
        if on_error is not None:
            on_error(exc)

    def of_type(self, cls):
        """Return the resources that are instances of ``cls``, sorted by ResourceID."""
        return sorted((x for x in self.resources.values() if isinstance(x, cls)),
                      key=lambda x: x.resource_id)

    @property
    def numerical_data(self):
        """Return the NumericalData and DisplayData records, sorted by ResourceID."""
        return self.of_type(r.NumericalData)

    def get(self, resource_id, cls=None):
        """Return the resource ``resource_id`` (None if unknown or not a ``cls``)."""
        res = self.resources.get((resource_id or "").strip())
        if res is None or (cls is not None and not isinstance(res, cls)):
            return None
        return res

    def instruments(self, dataset):
        """Return the Instrument records a NumericalData's InstrumentIDs point to (known ones)."""
        return [i for i in (self.get(x, r.Instrument) for x in dataset.instrument_ids) if i]

    def observatories(self, instrument):
        """Return the Observatory records an Instrument's ObservatoryIDs point to (known ones)."""
        return [o for o in (self.get(x, r.Observatory) for x in instrument.observatory_ids) if o]

    def groups(self, observatory):
        """Return the Observatory records an Observatory's ObservatoryGroupIDs point to."""
        return [o for o in (self.get(x, r.Observatory)
                            for x in observatory.observatory_group_ids) if o]

    def unresolved(self, dataset):
        """Return the references of ``dataset`` (instrument, observatory) that point nowhere."""
        missing = [x for x in dataset.instrument_ids if not self.get(x, r.Instrument)]
        for inst in self.instruments(dataset):
            missing += [x for x in inst.observatory_ids if not self.get(x, r.Observatory)]
        return missing
