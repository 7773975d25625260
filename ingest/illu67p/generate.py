"""Make illu67p products: ``python -m ingest.illu67p.generate --out DIR
--seed N --count N``.

The epochs split the Rosetta period at the comet (ROSETTA_START to
ROSETTA_END) into ``count`` equal intervals, one epoch drawn uniformly in
each (so the rotational phase varies); the same seed gives the same epochs
and the same files.
"""

import datetime as dt
import os
import sys

import numpy as np

from ingest import productdir
from ingest.illu67p import ephemeris, illumination, product, shape

GRID_STEP_DEG = 5.0


def epochs(count, seed):
    """Return count astropy Times (UTC, whole seconds) spread over the
    Rosetta period, drawn with the given seed."""
    rng = np.random.default_rng(seed)
    start = ephemeris.ROSETTA_START.utc.jd
    span = ephemeris.ROSETTA_END.utc.jd - start
    edges = start + span * np.arange(count) / count
    jds = edges + rng.uniform(0.0, span / count, size=count)
    seconds = np.round((jds - start) * 86400.0)
    return [ephemeris.ROSETTA_START + dt.timedelta(seconds=float(s)) for s in seconds]


def generate(out_dir, seed, count, created=None, step_deg=GRID_STEP_DEG):
    """Write count maps and previews into out_dir and return the FITS paths.

    created is the creation date written in the products (ISO string,
    default: today, UTC).
    """
    os.makedirs(out_dir, exist_ok=True)
    if created is None:
        created = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT00:00:00")
    grid = shape.facet_grid(step_deg)
    paths = []
    for epoch in epochs(count, seed):
        sun = ephemeris.sun_geometry(epoch)
        lit = illumination.illuminate(grid, sun.direction)
        stem = os.path.join(out_dir, product.base_name(epoch))
        paths.append(product.write_map(stem + ".fits", epoch, grid, sun, lit, created))
        product.write_preview(stem + ".png", lit)
    return paths


def main(argv=None):
    """Run the generator from the command line; return the exit status."""
    return productdir.generator_main(
        argv, prog="python -m ingest.illu67p.generate",
        description="Write illumination maps of comet 67P (FITS + PNG preview).",
        seed=67, count=300, noun="maps", generate=generate)


if __name__ == "__main__":
    sys.exit(main())
