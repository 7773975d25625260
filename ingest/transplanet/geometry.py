"""The Sun seen from a point of a planet at an epoch: heliocentric distance,
sub-solar latitude and solar zenith angle.

Planet positions come from astropy's built-in ephemeris (ERFA, no download);
the planet's equator from its IAU pole (see :mod:`ingest.transplanet.planets`).
"""

from dataclasses import dataclass

import numpy as np
from astropy.coordinates import get_body_barycentric

AU_KM = 1.495978707e8


@dataclass(frozen=True)
class SunGeometry:
    """Heliocentric distance (au), sub-solar latitude (deg) and the solar
    zenith angle (deg) at the run's latitude and local time."""

    sun_distance_au: float
    subsolar_latitude: float
    solar_zenith_angle: float


def pole_vector(planet):
    """Return the unit vector of planet's north pole (ICRF)."""
    ra, dec = np.radians(planet.pole_ra_deg), np.radians(planet.pole_dec_deg)
    return np.array([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)])


def heliocentric_position_km(planet, epoch):
    """Return the position (km, ICRF axes) of planet relative to the Sun at
    an astropy Time."""
    body = get_body_barycentric(planet.name.lower(), epoch).xyz.to_value("km")
    sun = get_body_barycentric("sun", epoch).xyz.to_value("km")
    return np.asarray(body - sun, dtype=float)


def solar_zenith_angle(latitude_deg, local_time_h, subsolar_latitude_deg):
    """Return the solar zenith angle (deg) at a latitude and local solar
    time (h, 12 = noon) when the Sun stands above subsolar_latitude_deg."""
    lat = np.radians(latitude_deg)
    dec = np.radians(subsolar_latitude_deg)
    hour_angle = np.radians((local_time_h - 12.0) * 15.0)
    cos_chi = np.sin(lat) * np.sin(dec) + np.cos(lat) * np.cos(dec) * np.cos(hour_angle)
    return float(np.degrees(np.arccos(np.clip(cos_chi, -1.0, 1.0))))


def sun_geometry(planet, epoch, latitude_deg, local_time_h):
    """Return the SunGeometry of a run of planet at an astropy Time, a
    latitude (deg) and a local solar time (h)."""
    position = heliocentric_position_km(planet, epoch)
    distance = np.linalg.norm(position)
    to_sun = -position / distance
    subsolar = float(np.degrees(np.arcsin(np.clip(np.dot(to_sun, pole_vector(planet)), -1, 1))))
    return SunGeometry(float(distance / AU_KM), subsolar,
                       solar_zenith_angle(latitude_deg, local_time_h, subsolar))
