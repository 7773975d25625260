"""Make transplanet products: ``python -m ingest.transplanet.generate --out DIR
--seed N --count N``.

The runs go through the grid of conditions PLANETS x LATITUDES x LOCAL_TIMES
x F107 in an order shuffled with the seed (every point once before any
repeats, so a count of a multiple of the grid size covers it evenly); each
run's epoch is drawn uniformly
in EPOCH_RANGE (to the minute) with the given seed, so the same seed gives
the same runs and the same files.
"""

import argparse
import datetime as dt
import itertools
import os
import sys

import numpy as np
from astropy.time import Time

from ingest.transplanet import geometry, ionosphere, planets, product

LATITUDES = (0.0, 30.0, 60.0)
LOCAL_TIMES = (0.0, 6.0, 12.0, 18.0)
#: Solar activity: low, medium and high F10.7 (sfu).
F107 = (70.0, 130.0, 200.0)
EPOCH_RANGE = (Time("2000-01-01T00:00:00", scale="utc"), Time("2025-12-31T00:00:00", scale="utc"))


def conditions(count, seed):
    """Return count (planet, epoch, latitude, local time, F10.7) tuples."""
    grid = list(itertools.product(planets.PLANETS.values(), LATITUDES, LOCAL_TIMES, F107))
    rng = np.random.default_rng(seed)
    cycles = -(-count // len(grid))
    order = np.concatenate([rng.permutation(len(grid)) for _ in range(cycles)])[:count]
    start, stop = EPOCH_RANGE
    minutes = rng.integers(0, int((stop - start).to_value("min")), size=count)
    runs = []
    for k in range(count):
        planet, latitude, local_time, f107 = grid[order[k]]
        epoch = start + dt.timedelta(minutes=int(minutes[k]))
        runs.append((planet, epoch, latitude, local_time, f107))
    return runs


def generate(out_dir, seed, count, created=None):
    """Write count runs (VOTable + PNG) into out_dir and return the VOTable
    paths.  created is the creation date written in the products (ISO
    string, default: today, UTC)."""
    os.makedirs(out_dir, exist_ok=True)
    if created is None:
        created = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT00:00:00")
    paths = []
    for planet, epoch, latitude, local_time, f107 in conditions(count, seed):
        sun = geometry.sun_geometry(planet, epoch, latitude, local_time)
        profile = ionosphere.run(ionosphere.Conditions(
            planet, sun.solar_zenith_angle, sun.sun_distance_au, f107, local_time))
        metadata = {
            "run_id": product.run_id(planet.name, epoch, latitude, local_time, f107),
            "planet": planet.name,
            "epoch": epoch.utc.isot,
            "latitude": latitude,
            "local_time": local_time,
            "f107": f107,
            "solar_zenith_angle": round(sun.solar_zenith_angle, 4),
            "subsolar_latitude": round(sun.subsolar_latitude, 4),
            "sun_distance": round(sun.sun_distance_au, 6),
            "exospheric_temperature": round(profile.exospheric_temperature, 1),
            "transition_altitude": round(profile.transition_altitude_km, 1),
            "model_name": product.MODEL_NAME,
            "model_version": product.MODEL_VERSION,
            "created": created,
        }
        stem = os.path.join(out_dir, product.base_name(planet.name, epoch, latitude,
                                                       local_time, f107))
        paths.append(product.write_profile(stem + ".xml", metadata, profile))
        product.write_preview(stem + ".png", metadata, profile)
    return paths


def main(argv=None):
    """Run the generator from the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m ingest.transplanet.generate",
        description="Write Transplanet runs (VOTable profiles + PNG previews).")
    parser.add_argument("--out", required=True, help="directory to write into")
    parser.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
    parser.add_argument("--count", type=int, default=324, help="number of runs (default 324)")
    parser.add_argument("--created", help="creation date written in the products "
                        "(ISO 8601, default today)")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    paths = generate(args.out, args.seed, args.count, args.created)
    print(f"wrote {len(paths)} runs into {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
