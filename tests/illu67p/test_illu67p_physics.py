"""Physical facts about the 67P shape model, the Sun's geometry and the
illumination the illu67p products are computed from."""

import astropy.units as u
import numpy as np
import pytest
from astropy.time import Time

from ingest.illu67p import ephemeris, illumination, shape


def test_volume_of_shape_model_is_that_of_67p():
    # 18.7 +/- 1.2 km^3 (Preusker et al. 2015); a coarse model is within 15 %.
    assert shape.volume() == pytest.approx(shape.PUBLISHED_VOLUME_KM3, rel=0.15)


def test_shape_model_is_bilobed_with_a_neck():
    # Along the long axis the radius dips at the neck between the lobes.
    lon = np.array([0.0])
    lat = np.linspace(-90, 90, 181)
    radii = shape.radius(shape.unit_vectors(lon[None, :], lat[:, None]))[:, 0]
    long_axis = np.max(radii)
    assert 2.0 < long_axis < 3.5
    ends = shape.radius(np.array([[1.0, 0, 0], [-1.0, 0, 0]]))
    # The extent along x spans the large lobe (4.1 km) and more.
    assert 4.1 <= ends.sum() <= 4.1 + 2.6
    # Centre of mass at the origin: the origin is inside the nucleus.
    assert shape.is_inside(np.zeros((1, 3)))[0]


def test_facet_grid_covers_the_surface_once():
    grid = shape.facet_grid(5.0)
    assert grid.areas.shape == (36, 72)
    assert np.all(grid.areas > 0)
    # Outward normals: a closed surface has zero total vector area.
    vector_area = (grid.normals * grid.areas[..., None]).sum(axis=(0, 1))
    assert np.linalg.norm(vector_area) < 0.02 * grid.areas.sum()


def test_obliquity_of_spin_axis_is_52_degrees():
    # Sierks et al. 2015: obliquity 52 deg.
    assert ephemeris.obliquity_deg() == pytest.approx(52.0, abs=1.0)


@pytest.mark.parametrize("date, distance", [
    ("2014-08-06", 3.6),     # Rosetta's arrival
    ("2015-08-13", 1.243),   # perihelion
    ("2016-09-30", 3.8),     # end of mission
])
def test_heliocentric_distance_at_mission_milestones(date, distance):
    assert ephemeris.sun_geometry(Time(date)).sun_distance_au == pytest.approx(distance, abs=0.05)


def test_seasons_of_67p():
    # Northern summer at arrival, equinoxes in May 2015 and March 2016,
    # southern summer at perihelion.
    assert ephemeris.sun_geometry(Time("2014-08-06")).subsolar_latitude > 30
    assert abs(ephemeris.sun_geometry(Time("2015-05-10")).subsolar_latitude) < 3
    assert ephemeris.sun_geometry(Time("2015-08-13")).subsolar_latitude < -40
    assert abs(ephemeris.sun_geometry(Time("2016-03-21")).subsolar_latitude) < 3


def test_subsolar_latitude_stays_within_obliquity():
    obliquity = ephemeris.obliquity_deg()
    days = np.arange(ephemeris.ROSETTA_START.jd, ephemeris.ROSETTA_END.jd, 7.0)
    latitudes = [ephemeris.sun_geometry(Time(d, format="jd")).subsolar_latitude for d in days]
    assert max(np.abs(latitudes)) <= obliquity + 1e-6
    # ...and reaches close to it around the southern summer solstice.
    assert max(np.abs(latitudes)) > obliquity - 3


def test_subsolar_longitude_turns_with_the_rotation():
    t = Time("2015-01-01T00:00:00")
    a = ephemeris.sun_geometry(t).subsolar_longitude
    quarter = ephemeris.PERIOD_BEFORE_PERIHELION_H / 4
    b = ephemeris.sun_geometry(t + quarter * u.hour).subsolar_longitude
    # Prograde rotation: a quarter turn later the Sun is 90 deg further west.
    assert (a - b) % 360 == pytest.approx(90.0, abs=1.0)


def test_cast_shadow_behind_the_nucleus():
    behind = np.array([[-3.0, 0.0, 0.0]])
    assert illumination.cast_shadows(behind, np.array([1.0, 0.0, 0.0]))[0]
    assert not illumination.cast_shadows(behind, np.array([-1.0, 0.0, 0.0]))[0]


def test_illuminated_fraction_is_about_one_half():
    grid = shape.facet_grid(5.0)
    for date in ("2014-09-01", "2015-05-10", "2015-08-13", "2016-06-01"):
        sun = ephemeris.sun_geometry(Time(date))
        lit = illumination.illuminate(grid, sun.direction)
        assert 0.45 < lit.day_fraction < 0.55
        assert 0.0 < lit.lit_fraction <= lit.day_fraction
        # Cast shadows only ever darken a few per cent of a nucleus like 67P.
        assert lit.day_fraction - lit.lit_fraction < 0.1
        # The facet under the Sun is lit at nearly normal incidence.
        sub = np.unravel_index(np.argmin(lit.incidence_deg), lit.incidence_deg.shape)
        assert lit.incidence_deg[sub] < 15
