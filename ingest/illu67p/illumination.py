"""Illumination of the 67P shape model by the Sun: incidence angles and cast
shadows on the facet grid.

A facet is lit when the Sun is above its local horizon (incidence angle below
90 degrees, i.e. the facet normal points towards the Sun) and no other part of
the nucleus blocks the line from its centre to the Sun.  The Sun is a point
source at infinity (parallel rays).  Cast shadows are found by marching along
that line in steps of ``SHADOW_STEP_KM`` and testing each point against the
radial surface of the shape model.
"""

from dataclasses import dataclass

import numpy as np

from ingest.illu67p import shape

#: Step (km) of the march towards the Sun, and how far it goes.
SHADOW_STEP_KM = 0.025
SHADOW_REACH_KM = 6.0
#: Lift (km) of the start point above the facet, so that a facet does not
#: shadow itself through the discretisation of the surface.
SURFACE_LIFT_KM = 0.02


@dataclass(frozen=True)
class IlluminationMap:
    """Incidence angles (deg, shape (nlat, nlon)), which facets face the
    Sun (``day``), which of these lie in a cast shadow (``shadowed``), and the
    area fractions of the surface that face the Sun and that are lit."""

    incidence_deg: np.ndarray
    day: np.ndarray
    shadowed: np.ndarray
    day_fraction: float
    lit_fraction: float

    @property
    def lit(self):
        """Return the boolean map of lit facets (day side, not shadowed)."""
        return self.day & ~self.shadowed


def cast_shadows(points, sun_direction):
    """Return a boolean array: True where the segment from each point (n, 3)
    towards the Sun crosses the nucleus."""
    steps = np.arange(SHADOW_STEP_KM, SHADOW_REACH_KM, SHADOW_STEP_KM)
    blocked = np.zeros(len(points), dtype=bool)
    for t in steps:
        open_rays = ~blocked
        if not open_rays.any():
            break
        blocked[open_rays] = shape.is_inside(points[open_rays] + t * sun_direction)
    return blocked


def illuminate(grid, sun_direction):
    """Return the IlluminationMap of a shape.FacetGrid lit from the unit
    body-frame direction sun_direction."""
    cos_i = np.einsum("...i,i->...", grid.normals, sun_direction)
    incidence = np.degrees(np.arccos(np.clip(cos_i, -1.0, 1.0)))
    day = cos_i > 0.0
    shadowed = np.zeros_like(day)
    starts = grid.centres[day] + SURFACE_LIFT_KM * grid.normals[day]
    shadowed[day] = cast_shadows(starts, sun_direction)
    total = grid.areas.sum()
    return IlluminationMap(
        incidence_deg=incidence,
        day=day,
        shadowed=shadowed,
        day_fraction=float(grid.areas[day].sum() / total),
        lit_fraction=float(grid.areas[day & ~shadowed].sum() / total))
