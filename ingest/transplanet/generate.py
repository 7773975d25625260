"""Make transplanet products: ``python -m ingest.transplanet.generate --out DIR
--seed N --count N``.

The runs go through the grid of conditions PLANETS x LATITUDES x LOCAL_TIMES
x F107 in an order shuffled with the seed (every point once before any
repeats, so a count of a multiple of the grid size covers it evenly); each
run's epoch is drawn uniformly
in EPOCH_RANGE (to the minute) with the given seed, so the same seed gives
the same runs and the same files.
"""

import datetime as dt
import itertools
import os
import sys

import numpy as np
from astropy.time import Time

from ingest import productdir
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
    return productdir.generator_main(
        argv, prog="python -m ingest.transplanet.generate",
        description="Write Transplanet runs (VOTable profiles + PNG previews).",
        seed=2024, count=324, noun="runs", generate=generate)


if __name__ == "__main__":
    sys.exit(main())
