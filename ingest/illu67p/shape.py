"""A coarse shape model of the bilobed nucleus of comet 67P/Churyumov-Gerasimenko.

The nucleus is the union of two triaxial ellipsoids with the lobe dimensions
measured by OSIRIS (Sierks et al. 2015, Science 347, aaa1044): the large lobe
4.1 x 3.3 x 1.8 km, the small lobe 2.6 x 2.3 x 1.8 km.  The body frame has its
origin at the centre of mass of that union (uniform density) and its z axis
along the spin axis.

The surface is described as a radial function r(lon, lat): along each direction
from the origin, the farthest point where the ray leaves one of the lobes.  The
map grid of the products is a grid of facets of that surface, one facet per
cell of a regular longitude/latitude grid.
"""

from dataclasses import dataclass

import numpy as np

#: Semi-axes (km) of the large and small lobes (Sierks et al. 2015).
LARGE_LOBE_SEMI_AXES = np.array([2.05, 1.65, 0.90])
SMALL_LOBE_SEMI_AXES = np.array([1.30, 1.15, 0.90])
#: Centre of the small lobe relative to the centre of the large lobe (km):
#: the lobes touch along the neck, the small lobe sitting above one end of the
#: large one.
SMALL_LOBE_OFFSET = np.array([1.90, 0.00, 0.55])

#: Volume of the nucleus from OSIRIS stereo-photogrammetry, km^3
#: (Preusker et al. 2015, A&A 583, A33).
PUBLISHED_VOLUME_KM3 = 18.7


@dataclass(frozen=True)
class Ellipsoid:
    """An axis-aligned ellipsoid: centre (km) and semi-axes (km)."""

    centre: np.ndarray
    semi_axes: np.ndarray

    def contains(self, points):
        """Return a boolean array: True where points (..., 3) lie inside."""
        u = (points - self.centre) / self.semi_axes
        return np.einsum("...i,...i->...", u, u) <= 1.0

    def exit_distance(self, directions):
        """Return the distance from the origin along unit directions (..., 3)
        at which a ray leaves the ellipsoid, NaN where it misses it."""
        d = directions / self.semi_axes
        o = -self.centre / self.semi_axes
        a = np.einsum("...i,...i->...", d, d)
        b = 2.0 * np.einsum("...i,...i->...", d, o)
        c = np.dot(o, o) - 1.0
        disc = b * b - 4.0 * a * c
        with np.errstate(invalid="ignore"):
            t = (-b + np.sqrt(disc)) / (2.0 * a)
        t = np.where((disc >= 0) & (t > 0), t, np.nan)
        return t


def _lobes_about_centre_of_mass():
    """Return the two lobes shifted so that their union's centre of mass is
    the origin (uniform density, computed on a 50 m grid)."""
    large = Ellipsoid(np.zeros(3), LARGE_LOBE_SEMI_AXES)
    small = Ellipsoid(SMALL_LOBE_OFFSET, SMALL_LOBE_SEMI_AXES)
    step = 0.05
    axes = [np.arange(-2.2, 3.4, step), np.arange(-1.8, 1.8, step),
            np.arange(-1.0, 1.6, step)]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1)
    inside = large.contains(grid) | small.contains(grid)
    centre = grid[inside].mean(axis=0)
    return (Ellipsoid(large.centre - centre, large.semi_axes),
            Ellipsoid(small.centre - centre, small.semi_axes))


LOBES = _lobes_about_centre_of_mass()


def unit_vectors(lon_deg, lat_deg):
    """Return unit vectors (..., 3) of body-frame directions given east
    longitude and latitude in degrees."""
    lon = np.radians(lon_deg)
    lat = np.radians(lat_deg)
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon),
                     np.sin(lat)], axis=-1)


def radius(directions):
    """Return the surface radius (km) along unit directions (..., 3): the
    farthest exit point of the two lobes."""
    exits = np.stack([lobe.exit_distance(directions) for lobe in LOBES])
    return np.nanmax(exits, axis=0)


def is_inside(points):
    """Return a boolean array: True where body-frame points (..., 3, km) are
    inside the nucleus as described by the radial surface."""
    r = np.linalg.norm(points, axis=-1)
    safe = np.where(r[..., None] > 0, points, 1.0)
    directions = safe / np.maximum(r, 1e-12)[..., None]
    return r < radius(directions)


@dataclass(frozen=True)
class FacetGrid:
    """The surface tiled by a longitude/latitude grid of facets.

    ``lon``/``lat`` are the cell centres (degrees, shape (nlat, nlon)),
    ``centres`` the facet centres on the surface (km), ``normals`` their
    outward unit normals and ``areas`` their areas (km^2).
    """

    step_deg: float
    lon: np.ndarray
    lat: np.ndarray
    centres: np.ndarray
    normals: np.ndarray
    areas: np.ndarray


def facet_grid(step_deg=5.0):
    """Return the FacetGrid of the shape model for a grid step in degrees
    (cells from longitude 0 to 360 east and latitude -90 to 90)."""
    lon_edges = np.arange(0.0, 360.0 + step_deg / 2, step_deg)
    lat_edges = np.arange(-90.0, 90.0 + step_deg / 2, step_deg)
    elon, elat = np.meshgrid(lon_edges, lat_edges)
    edge_dirs = unit_vectors(elon, elat)
    vertices = edge_dirs * radius(edge_dirs)[..., None]
    # Each cell is the quad (j, i), (j, i+1), (j+1, i+1), (j+1, i).
    v00 = vertices[:-1, :-1]
    v01 = vertices[:-1, 1:]
    v11 = vertices[1:, 1:]
    v10 = vertices[1:, :-1]
    # The diagonals' cross product is twice the (vector) area of the quad.
    vector_area = 0.5 * np.cross(v11 - v00, v10 - v01)
    areas = np.linalg.norm(vector_area, axis=-1)
    normals = vector_area / np.maximum(areas, 1e-12)[..., None]
    lon = 0.5 * (elon[:-1, :-1] + elon[:-1, 1:])
    lat = 0.5 * (elat[:-1, :-1] + elat[1:, :-1])
    centre_dirs = unit_vectors(lon, lat)
    centres = centre_dirs * radius(centre_dirs)[..., None]
    return FacetGrid(step_deg, lon, lat, centres, normals, areas)


def volume(step_deg=2.0):
    """Return the volume (km^3) enclosed by the radial surface, integrated
    over a longitude/latitude grid of the given step."""
    lon = np.arange(step_deg / 2, 360.0, step_deg)
    lat = np.arange(-90.0 + step_deg / 2, 90.0, step_deg)
    glon, glat = np.meshgrid(lon, lat)
    r = radius(unit_vectors(glon, glat))
    d_omega = np.radians(step_deg) ** 2 * np.cos(np.radians(glat))
    return float(np.sum(r ** 3 / 3.0 * d_omega))
