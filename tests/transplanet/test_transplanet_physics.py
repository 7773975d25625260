"""Physical facts about the ionosphere approximation behind the transplanet
products, against published values for each planet."""

import astropy.units as u
import numpy as np
import pytest
from astropy.time import Time

from ingest.transplanet import geometry, ionosphere, planets
from ingest.transplanet.planets import AMU, BOLTZMANN

#: Published day-side ionospheric peaks: (altitude km, electron density cm^-3).
#: Earth: F2 peak at mid-latitudes, ~300 km and ~1e6 cm^-3 (Schunk & Nagy
#: 2009, ch. 11); Mars: sub-solar M2 peak ~130 km, ~1.5e5 cm^-3 (Withers 2009,
#: Adv. Space Res. 44, 277); Jupiter: ~1e5 cm^-3 between 1000 and 2000 km
#: (Galileo radio occultations, Hinson et al. 1997, GRL 24, 2107; Yelle &
#: Miller 2004, in Jupiter, CUP).
PUBLISHED_PEAKS = {"Earth": (300.0, 1.0e6), "Mars": (130.0, 1.5e5), "Jupiter": (1500.0, 1.0e5)}
#: Heliocentric distances (au).
DISTANCE = {"Earth": 1.0, "Mars": 1.52, "Jupiter": 5.2}
#: Scale heights (km) of the main neutral near the peak: Earth O ~ 50-60 km
#: at 300 km, Mars CO2 ~ 8-12 km at 130 km, Jupiter H2 ~ 100-300 km at 1000 km.
SCALE_HEIGHTS = {"Earth": ("O", 300.0, 30.0, 90.0), "Mars": ("CO2", 130.0, 6.0, 15.0),
                 "Jupiter": ("H2", 1000.0, 80.0, 400.0)}


def day_run(name, f107=130.0, chi=20.0, local_time=12.0):
    planet = planets.PLANETS[name]
    return ionosphere.run(ionosphere.Conditions(planet, chi, DISTANCE[name], f107, local_time))


@pytest.mark.parametrize("name", sorted(PUBLISHED_PEAKS))
def test_peak_within_an_order_of_magnitude_of_published(name):
    altitude, density = PUBLISHED_PEAKS[name]
    profile = day_run(name)
    assert altitude / 3 < profile.peak_altitude_km < altitude * 3
    assert density / 10 < profile.peak_density < density * 10


@pytest.mark.parametrize("name", sorted(SCALE_HEIGHTS))
def test_neutral_scale_height_of_the_right_order(name):
    species, altitude, low, high = SCALE_HEIGHTS[name]
    planet = planets.PLANETS[name]
    z = np.array([altitude - 5.0, altitude, altitude + 5.0])
    t_exo = ionosphere.exospheric_temperature(planet, 130.0, 12.0)
    density = ionosphere.neutral_densities(planet, z, t_exo)[species]
    scale_height = -10.0 / np.log(density[2] / density[0])
    assert low < scale_height < high
    # ...and that is hydrostatic equilibrium: 1/H_n = m g / k T + (1/T) dT/dz.
    temperature = ionosphere.neutral_temperature(planet, z, t_exo)
    pressure_height = BOLTZMANN * temperature[1] / (
        planet.neutral(species).mass_amu * AMU * planet.gravity(altitude)) / 1e3
    gradient = (temperature[2] - temperature[0]) / 10.0 / temperature[1]
    assert scale_height == pytest.approx(1.0 / (1.0 / pressure_height + gradient), rel=0.02)


@pytest.mark.parametrize("name", sorted(PUBLISHED_PEAKS))
def test_chapman_behaviour_with_zenith_angle_and_activity(name):
    overhead = day_run(name, chi=0.0)
    slanted = day_run(name, chi=80.0)
    night = day_run(name, chi=150.0, local_time=0.0)
    assert overhead.peak_density >= slanted.peak_density > night.peak_density
    assert night.peak_density < overhead.peak_density / 3
    assert day_run(name, f107=200.0).peak_density > day_run(name, f107=70.0).peak_density


def test_mars_photochemical_peak_follows_chapman_theory():
    # In an alpha-Chapman layer the peak density falls as cos(chi)^1/2 and
    # rises by one scale height per unit of ln sec(chi).
    overhead = day_run("Mars", chi=0.0)
    slanted = day_run("Mars", chi=60.0)
    assert slanted.peak_density / overhead.peak_density == pytest.approx(np.sqrt(0.5), rel=0.2)
    assert 0 < slanted.peak_altitude_km - overhead.peak_altitude_km < 25


@pytest.mark.parametrize("name", sorted(PUBLISHED_PEAKS))
def test_profiles_are_consistent(name):
    profile = day_run(name)
    total = sum(profile.ion_density.values())
    assert np.allclose(profile.electron_density, total)
    assert np.all(profile.electron_density > 0)
    assert np.all(profile.electron_temperature >= profile.neutral_temperature - 1e-9)
    assert np.all(profile.ion_temperature >= profile.neutral_temperature - 1e-9)
    assert np.all(np.diff(profile.altitude_km) > 0)
    # Above the peak the plasma thins out with altitude.
    top = profile.electron_density[profile.peak_index:]
    assert top[-1] < top[0] / 3


@pytest.mark.parametrize("name", sorted(PUBLISHED_PEAKS))
def test_field_aligned_flow_up_by_day_down_by_night(name):
    planet = planets.PLANETS[name]
    for profile, sign in ((day_run(name), 1), (day_run(name, chi=150.0, local_time=0.0), -1)):
        for ion in planet.ions:
            u = profile.ion_velocity[ion.name]
            known = np.isfinite(u)
            assert np.all(sign * u[known] >= 0)
            acoustic = np.sqrt(BOLTZMANN * (profile.electron_temperature + profile.ion_temperature)
                               / (ion.mass_amu * AMU)) / 1e3
            assert np.all(np.abs(u[known]) <= acoustic[known] * (1 + 1e-6))
    # Where the flow is below the acoustic speed, the flux of the light ion
    # is conserved along the flux tube at the top of the profile.
    profile = day_run(name)
    light = min(planet.ions, key=lambda ion: ion.mass_amu)
    z = profile.altitude_km
    above = np.arange(len(z)) >= len(z) - 10
    u = profile.ion_velocity[light.name][above]
    acoustic = np.sqrt(BOLTZMANN * (profile.electron_temperature + profile.ion_temperature)
                       / (light.mass_amu * AMU))[above] / 1e3
    free = np.isfinite(u) & (u < 0.99 * acoustic)
    assert free.sum() >= 3
    r = planet.radius_km + z[above]
    tube_flux = (profile.ion_density[light.name][above] * u * r ** planet.tube_exponent)[free]
    assert np.all(tube_flux > 0)
    assert tube_flux.max() / tube_flux.min() < 1.05


@pytest.mark.parametrize("name, obliquity, year_days", [
    ("Earth", 23.44, 366), ("Mars", 25.19, 687), ("Jupiter", 3.13, 4333)])
def test_subsolar_latitude_swings_by_the_obliquity(name, obliquity, year_days):
    planet = planets.PLANETS[name]
    days = Time("2020-01-01") + np.linspace(0, year_days, 60) * u.day
    latitudes = [geometry.sun_geometry(planet, t, 0.0, 12.0).subsolar_latitude for t in days]
    assert max(latitudes) == pytest.approx(obliquity, abs=0.5)
    assert min(latitudes) == pytest.approx(-obliquity, abs=0.5)


def test_solar_zenith_angle():
    assert geometry.solar_zenith_angle(0.0, 12.0, 0.0) == pytest.approx(0.0)
    assert geometry.solar_zenith_angle(0.0, 18.0, 0.0) == pytest.approx(90.0)
    assert geometry.solar_zenith_angle(60.0, 0.0, 0.0) == pytest.approx(120.0)
    assert geometry.solar_zenith_angle(30.0, 12.0, -20.0) == pytest.approx(50.0)
