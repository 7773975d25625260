"""Granules of the EPN-TAP services and their loading into PostgreSQL.

- :mod:`ingest.amdadb`: the SPASE to EPN-TAP mapping of the AMDA data base
  (``granules()``, the rows DaCHS imports; ``map_catalog()``, the same per dataset);
- :mod:`ingest.load`: bulk loading with an atomic swap, and incremental updates;
- :mod:`ingest.cli`: ``python -m ingest amdadb --spase DIR [--data DIR]``.
"""
