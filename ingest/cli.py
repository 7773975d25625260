"""The operators' command: ``python -m ingest amdadb --spase DIR [--data DIR]``,
``python -m ingest illu67p --data DIR``, ``python -m ingest transplanet --data DIR``.

Loads the granules into the database (amdadb: incrementally when a previous
load is known, ``--full`` to rebuild and swap the whole table; illu67p and
transplanet: a new table swapped in), or, with ``--dry-run --report
FILE.json``, only parses and maps and writes per dataset its granule count,
first row and any skip reason.  Shows a progress bar on a terminal and ends
with a summary.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import sys
import time

from ingest import amdadb
from spase import Catalog
from spase.timeutil import parse_datetime


class Progress:
    """A one-line progress bar on a terminal (silent otherwise)."""

    def __init__(self, total, stream=sys.stderr, width=30):
        self.total, self.done, self.stream, self.width = total, 0, stream, width
        self.enabled = stream.isatty()
        self.started = time.perf_counter()

    def __call__(self, n):
        self.done += n
        if not self.enabled:
            return
        share = self.done / self.total if self.total else 1.0
        filled = int(share * self.width)
        rate = self.done / max(time.perf_counter() - self.started, 1e-9)
        self.stream.write(f"\r[{'#' * filled}{' ' * (self.width - filled)}] {share:6.1%} "
                          f"{self.done:,}/{self.total:,} granules {rate:,.0f}/s")
        self.stream.flush()

    def close(self):
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def _json_value(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def build_report(datasets, skipped, args):
    """Return the dry-run report (a JSON-ready dict): per dataset its count and first row, and the skips."""
    entries = []
    for ds in datasets:
        entries.append({
            "dataset_id": ds.dataset_id,
            "resource_id": ds.resource_id,
            "path": ds.path,
            "access_rights": ds.access_rights,
            "public": ds.public,
            "granules": len(ds),
            "first_row": {k: _json_value(v) for k, v in ds.granule(0).items()},
            "skip_reason": None if ds.public else
            f"AccessRights {ds.access_rights}: not public, kept in the restricted table",
            "warnings": list(ds.warnings),
        })
    return {
        "spase_dir": args.spase,
        "data_dir": args.data,
        "now": args.now.isoformat(),
        "datasets": entries,
        "skipped": [{"name": n, "reason": r} for n, r in skipped],
        "totals": {
            "datasets": len(datasets),
            "public_datasets": sum(1 for d in datasets if d.public),
            "granules": sum(len(d) for d in datasets if d.public),
            "restricted_granules": sum(len(d) for d in datasets if not d.public),
            "skipped": len(skipped),
            "warnings": sum(len(d.warnings) for d in datasets),
        },
    }


def summary(datasets, skipped, out=sys.stdout):
    """Write the end-of-run summary: datasets, granules, skipped with reasons, and the
    columns left empty (warnings)."""
    public = [d for d in datasets if d.public]
    hidden = [d for d in datasets if not d.public]
    out.write(f"datasets: {len(datasets)} mapped ({len(public)} public, "
              f"{len(hidden)} not public)\n")
    out.write(f"granules: {sum(len(d) for d in public):,} public, "
              f"{sum(len(d) for d in hidden):,} not public\n")
    out.write(f"skipped: {len(skipped)}\n")
    for name, reason in skipped:
        out.write(f"  {name}: {reason}\n")
    for ds in hidden:
        out.write(f"  {ds.dataset_id}: AccessRights {ds.access_rights}, "
                  "kept out of the public table\n")
    warned = [d for d in datasets if d.warnings]
    out.write(f"warnings: {sum(len(d.warnings) for d in warned)} in {len(warned)} datasets\n")
    for ds in warned:
        for message in ds.warnings:
            out.write(f"  {ds.dataset_id}: {message}\n")


def _parser():
    p = argparse.ArgumentParser(prog="python -m ingest", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="service", required=True)
    a = sub.add_parser("amdadb", help="SPASE NumericalData records (and CDF files) to amdadb.epn_core")
    a.add_argument("--spase", required=True, help="directory tree of SPASE records")
    a.add_argument("--data", help="local CDF archive, <DIR>/<dataset id>/*.cdf")
    a.add_argument("--dry-run", action="store_true", help="parse and map only, load nothing")
    a.add_argument("--report", help="with --dry-run: write the per-dataset report to this JSON file")
    a.add_argument("--full", action="store_true",
                   help="rebuild the whole table and swap it in (default: rewrite changed datasets)")
    a.add_argument("--dsn", help="libpq connection string (default: DaCHS's admin profile)")
    a.add_argument("--schema", default="amdadb", help="database schema (default: amdadb)")
    a.add_argument("--now", type=parse_datetime, default=None,
                   help="reference time for RelativeStopDate (ISO 8601, default: now)")
    for service, what in PRODUCT_SERVICES.items():
        s = sub.add_parser(service, help=f"{what} to {service}.epn_core")
        s.add_argument("--data", required=True, help="directory of the service's products")
        s.add_argument("--dry-run", action="store_true", help="read and map only, load nothing")
        s.add_argument("--report", help="with --dry-run: write the report to this JSON file")
        s.add_argument("--dsn", help="libpq connection string (default: DaCHS's admin profile)")
        s.add_argument("--schema", default=service, help=f"database schema (default: {service})")
    return p


#: The services whose granules come from product files: what their products are.
PRODUCT_SERVICES = {
    "illu67p": "illumination maps of 67P (FITS with PNG previews)",
    "transplanet": "Transplanet model runs (VOTable with PNG previews)",
}


def product_report(rows, skipped, args):
    """Return the dry-run report of a product service (a JSON-ready dict):
    per granule group its count and first row, and the skipped files."""
    groups = {}
    for row in rows:
        groups.setdefault(row["granule_gid"], []).append(row)
    return {
        "data_dir": args.data,
        "datasets": [{"granule_gid": gid, "granules": len(members),
                      "first_row": {k: _json_value(v) for k, v in members[0].items()}}
                     for gid, members in groups.items()],
        "skipped": [{"name": n, "reason": r} for n, r in skipped],
        "totals": {"granules": len(rows), "skipped": len(skipped)},
    }


def load_products(args):
    """Run the command for a product service; return its exit status."""
    from ingest import load

    service = importlib.import_module(f"ingest.{args.service}")
    skipped = []
    started = time.perf_counter()
    try:
        rows = list(service.granules(args.data, on_skip=lambda n, r: skipped.append((n, r))))
    except FileNotFoundError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    if args.dry_run:
        if args.report:
            with open(args.report, "w", encoding="utf-8") as f:
                json.dump(product_report(rows, skipped, args), f, indent=1, ensure_ascii=False)
    else:
        progress = Progress(len(rows))
        try:
            load.replace_rows(load.connect(args.dsn), rows, args.schema, counter=progress)
        except load.LoadError as exc:
            progress.close()
            sys.stderr.write(f"error: {exc}\n")
            return 1
        progress.close()
    print(f"granules: {len(rows):,}")
    print(f"skipped: {len(skipped)}")
    for name, reason in skipped:
        print(f"  {name}: {reason}")
    elapsed = time.perf_counter() - started
    print(f"dry run: read and mapped in {elapsed:.1f} s, nothing loaded" if args.dry_run
          else f"loaded: {len(rows):,} granules swapped into {args.schema}.epn_core"
               f" in {elapsed:.1f} s")
    return 0


def main(argv=None):
    """Run the command; return its exit status (0 ok, 1 load refused, 2 bad arguments)."""
    args = _parser().parse_args(argv)
    if args.report and not args.dry_run:
        _parser().error("--report goes with --dry-run")
    if args.service in PRODUCT_SERVICES:
        return load_products(args)
    args.now = args.now or dt.datetime.now(dt.timezone.utc)
    skipped = []
    started = time.perf_counter()
    try:
        catalog = Catalog.load(args.spase)
    except FileNotFoundError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    datasets = list(amdadb.map_catalog(catalog, args.data, lambda n, r: skipped.append((n, r)),
                                       now=args.now))
    mapped = time.perf_counter()
    if args.dry_run:
        if args.report:
            with open(args.report, "w", encoding="utf-8") as f:
                json.dump(build_report(datasets, skipped, args), f, indent=1, ensure_ascii=False)
        summary(datasets, skipped)
        print(f"dry run: parsed and mapped in {mapped - started:.1f} s, nothing loaded")
        return 0

    from ingest import load

    progress = Progress(sum(len(d) for d in datasets))
    timings = {"parse and map": mapped - started}
    try:
        conn = load.connect(args.dsn)
        if args.full:
            result = load.full_load(conn, datasets, schema=args.schema, counter=progress,
                                    timings=timings, dsn=args.dsn)
            result["full"] = True
        else:
            result = load.incremental_load(conn, datasets, schema=args.schema, counter=progress)
    except load.LoadError as exc:
        progress.close()
        sys.stderr.write(f"error: {exc}\n")
        return 1
    progress.close()
    summary(datasets, skipped)
    elapsed = time.perf_counter() - started
    if result.get("full"):
        print(f"loaded: full rebuild, {result['public']:,} public and "
              f"{result['restricted']:,} restricted granules in {elapsed:.1f} s")
        print("time: " + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in timings.items()))
    else:
        print(f"loaded: {len(result['changed'])} changed and {len(result['removed'])} removed "
              f"datasets, {result['public']:,} granules rewritten in {elapsed:.1f} s")
    return 0
