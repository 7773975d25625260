"""Where the Sun is, seen from the nucleus of 67P, at a given epoch.

The heliocentric position of the comet comes from its osculating orbital
elements (two-body Kepler motion); the body frame from its spin state (pole
direction and rotation period).  Constants:

* orbit: JPL Small-Body Database, osculating elements of 67P at its 2015
  perihelion (ecliptic and equinox J2000);
* pole: RA 69.54 deg, Dec 64.11 deg (ICRF), Preusker et al. 2015, A&A 583, A33;
* rotation period: 12.4043 h before perihelion (Mottola et al. 2014, A&A 569,
  L2), 12.055 h after it (Jorda et al. 2016, Icarus 277, 257), switched at
  perihelion.  The prime meridian is a convention of these products: the body
  x axis points to RA/Dec of the ascending node of the equator at
  ``ROTATION_EPOCH``, so longitudes are not those of the Cheops frame.
"""

from dataclasses import dataclass

import numpy as np
from astropy.time import Time

#: Orbital elements (JPL SBDB, epoch of the 2015 perihelion).
PERIHELION_DISTANCE_AU = 1.2432
ECCENTRICITY = 0.64102
INCLINATION_DEG = 7.0405
ASCENDING_NODE_DEG = 50.1356
ARGUMENT_OF_PERIHELION_DEG = 12.7998
PERIHELION_TIME = Time("2015-08-13T02:03:00", scale="tdb")
#: Gaussian gravitational constant (rad/day): the heliocentric mean motion of
#: a body is k / a^1.5 with a in au.
GAUSS_K = 0.01720209895
#: Mean obliquity of the ecliptic at J2000 (IAU 2006), degrees.
OBLIQUITY_J2000_DEG = 23.439279

#: Spin state.
POLE_RA_DEG = 69.54
POLE_DEC_DEG = 64.11
PERIOD_BEFORE_PERIHELION_H = 12.4043
PERIOD_AFTER_PERIHELION_H = 12.055
ROTATION_EPOCH = Time("2014-08-01T00:00:00", scale="tdb")

#: The Rosetta mission at the comet: arrival and end of mission.
ROSETTA_START = Time("2014-08-06T00:00:00", scale="utc")
ROSETTA_END = Time("2016-09-30T00:00:00", scale="utc")


def semi_major_axis_au():
    """Return the semi-major axis of the orbit in au."""
    return PERIHELION_DISTANCE_AU / (1.0 - ECCENTRICITY)


def heliocentric_position(time):
    """Return the heliocentric position of the comet (au, 3-vector in the
    ICRF-aligned equatorial J2000 frame) at an astropy Time."""
    a = semi_major_axis_au()
    e = ECCENTRICITY
    mean_motion = GAUSS_K / a ** 1.5
    mean_anomaly = mean_motion * (time.tdb.jd - PERIHELION_TIME.tdb.jd)
    mean_anomaly = np.remainder(mean_anomaly + np.pi, 2 * np.pi) - np.pi
    ecc_anomaly = mean_anomaly
    for _ in range(50):
        step = (ecc_anomaly - e * np.sin(ecc_anomaly) - mean_anomaly) / (
            1.0 - e * np.cos(ecc_anomaly))
        ecc_anomaly = ecc_anomaly - step
        if abs(step) < 1e-14:
            break
    # Position in the orbital plane, x towards perihelion.
    x = a * (np.cos(ecc_anomaly) - e)
    y = a * np.sqrt(1.0 - e * e) * np.sin(ecc_anomaly)
    in_plane = np.array([x, y, 0.0])
    ecliptic = _rot_z(ASCENDING_NODE_DEG) @ _rot_x(INCLINATION_DEG) @ _rot_z(
        ARGUMENT_OF_PERIHELION_DEG) @ in_plane
    return _rot_x(OBLIQUITY_J2000_DEG) @ ecliptic


def orbit_normal():
    """Return the unit normal of the orbital plane (equatorial J2000)."""
    ecliptic = _rot_z(ASCENDING_NODE_DEG) @ _rot_x(INCLINATION_DEG) @ np.array(
        [0.0, 0.0, 1.0])
    return _rot_x(OBLIQUITY_J2000_DEG) @ ecliptic


def pole():
    """Return the unit vector of the spin axis (equatorial J2000)."""
    ra, dec = np.radians(POLE_RA_DEG), np.radians(POLE_DEC_DEG)
    return np.array([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra),
                     np.sin(dec)])


def obliquity_deg():
    """Return the obliquity of the spin axis to the orbital plane, degrees."""
    return float(np.degrees(np.arccos(np.dot(pole(), orbit_normal()))))


def rotation_angle_deg(time):
    """Return the rotation angle W (degrees, 0-360) of the prime meridian
    from the node of the equator, at an astropy Time."""
    hours_per_day = 24.0
    rate_before = 360.0 * hours_per_day / PERIOD_BEFORE_PERIHELION_H
    rate_after = 360.0 * hours_per_day / PERIOD_AFTER_PERIHELION_H
    t = time.tdb.jd
    t_peri = PERIHELION_TIME.tdb.jd
    t0 = ROTATION_EPOCH.tdb.jd
    if t <= t_peri:
        angle = rate_before * (t - t0)
    else:
        angle = rate_before * (t_peri - t0) + rate_after * (t - t_peri)
    return float(np.remainder(angle, 360.0))


def equatorial_to_body(time):
    """Return the rotation matrix taking equatorial J2000 vectors into the
    body frame at an astropy Time (z = spin axis, x = prime meridian)."""
    # IAU convention: x of the body frame at W = 0 points to the ascending
    # node of the body equator on the ICRF equator, at RA = ra_pole + 90.
    return (_rot_z(rotation_angle_deg(time)).T
            @ _rot_x(90.0 - POLE_DEC_DEG).T
            @ _rot_z(POLE_RA_DEG + 90.0).T)


@dataclass(frozen=True)
class SunGeometry:
    """The Sun seen from the nucleus: unit direction in the body frame,
    heliocentric distance (au), sub-solar east longitude and latitude (deg)."""

    direction: np.ndarray
    sun_distance_au: float
    subsolar_longitude: float
    subsolar_latitude: float


def sun_geometry(time):
    """Return the SunGeometry at an astropy Time."""
    position = heliocentric_position(time)
    distance = float(np.linalg.norm(position))
    direction = equatorial_to_body(time) @ (-position / distance)
    lon = float(np.degrees(np.arctan2(direction[1], direction[0])) % 360.0)
    lat = float(np.degrees(np.arcsin(np.clip(direction[2], -1.0, 1.0))))
    return SunGeometry(direction, distance, lon, lat)


def _rot_x(angle_deg):
    """Return the matrix rotating vectors by angle_deg about x."""
    c, s = np.cos(np.radians(angle_deg)), np.sin(np.radians(angle_deg))
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def _rot_z(angle_deg):
    """Return the matrix rotating vectors by angle_deg about z."""
    c, s = np.cos(np.radians(angle_deg)), np.sin(np.radians(angle_deg))
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
