"""A photochemistry + diffusion approximation of a planetary ionosphere along
a magnetic field line: what one Transplanet run computes, reduced to steady
state.

For a planet (:mod:`ingest.transplanet.planets`), a solar zenith angle, a
heliocentric distance and a solar activity index F10.7, :func:`run` gives
altitude profiles of the ion and electron densities, the neutral, ion and
electron temperatures and the field-aligned ion velocities:

1. Thermosphere: a Bates temperature profile T(z) = Tinf - (Tinf - T0)
   exp(-s (z - z0)) (isothermal T0 below z0) whose exospheric temperature
   Tinf grows with F10.7 and peaks at 14 h local time; each neutral in
   diffusive (hydrostatic) equilibrium with its own scale height.
2. Production: solar EUV photons, one grey band whose flux at 1 au follows
   the EUVAC scaling I = I80 (1 + 0.01 (F10.7 - 80)) (Richards et al. 1994,
   JGR 99, 8981), divided by the squared heliocentric distance, absorbed along
   the slant path to the Sun (the Chapman production function, computed by
   integrating the columns along the ray, so that it holds up to and beyond
   the terminator).  A planet-dependent fraction of the sub-solar production
   stands for what keeps the night ionosphere up (transport from the day
   side, electron precipitation).
3. Photochemistry: each ion in local equilibrium P_i = L_i n_i, with
   dissociative recombination alpha_i(Te) n_e and ion-neutral reactions
   (whose products feed other ions), solved by fixed-point iteration.
4. Diffusion: ambipolar diffusion coefficient D_i = k (Te + Ti) / (m_i nu_in)
   with the non-resonant ion-neutral collision frequency nu_in =
   2.59e-9 n_n (gamma_n / mu_in)^1/2 s^-1 (Schunk & Nagy 2009, eq. 4.88).
   Above the transition altitude, the lowest one above the production peak
   where the diffusion time H_p^2 / D of an ion making at least
   ``SIGNIFICANT_FRACTION`` of the plasma falls below its chemical lifetime
   1 / L_i, the plasma is in
   multi-ion diffusive equilibrium with the ambipolar electric field
   (Schunk & Nagy 2009, ch. 5), integrated from the chemical densities at the
   transition altitude; the two regimes are joined smoothly over a fraction
   of a plasma scale height.
5. Temperatures: Te and Ti rise from the neutral temperature to topside
   values (day or night) with planet-dependent e-folding heights.
6. Field-aligned velocities: above the transition altitude each ion carries
   a flux equal to ``FLUX_FRACTION`` of its column production rate above
   the transition altitude (the ions made there and not lost locally feed
   the flow along the field line), conserved along a flux tube whose
   cross-section grows as r^3 (dipole) or r^2 (Mars), upward by day and
   downward by night, bounded by the ion acoustic speed; the velocity is NaN
   where the ion is a trace (below ``TRACE_FRACTION`` of n_e).
"""

from dataclasses import dataclass

import numpy as np

from ingest.transplanet.planets import AMU, BOLTZMANN

#: EUV photon flux at 1 au for F10.7 = 80 (photons cm^-2 s^-1), the total of
#: the EUVAC reference spectrum, and its slope with F10.7.
EUV_FLUX_80 = 2.0e10
EUV_FLUX_SLOPE = 0.01
#: Fraction of the sub-solar production left on the night side, per planet.
NIGHT_SOURCE_FRACTION = {"Earth": 0.03, "Mars": 0.002, "Jupiter": 0.05}
#: Fraction of the diffusion-limited flux that flows along the field line.
FLUX_FRACTION = 0.2
#: Ions below this fraction of the electron density get no velocity.
TRACE_FRACTION = 1e-2
#: An ion whose chemical density reaches this fraction of the electron
#: density can set the transition altitude.
SIGNIFICANT_FRACTION = 0.1
#: Number of points of the altitude profiles.
PROFILE_POINTS = 64
_CHEMISTRY_ITERATIONS = 300


@dataclass(frozen=True)
class Conditions:
    """The conditions of a run: planet (planets.Planet), solar zenith angle
    (deg), heliocentric distance (au), F10.7 (sfu), local solar time (h)."""

    planet: object
    solar_zenith_angle: float
    sun_distance_au: float
    f107: float
    local_time_h: float


@dataclass(frozen=True)
class Profile:
    """The result of a run: altitude (km); electron density and ion
    densities by ion name (cm^-3); neutral, electron and ion temperatures
    (K); field-aligned ion velocities by ion name (km/s, positive upward);
    transition altitude (km) and exospheric temperature (K)."""

    altitude_km: np.ndarray
    electron_density: np.ndarray
    ion_density: dict
    neutral_temperature: np.ndarray
    electron_temperature: np.ndarray
    ion_temperature: np.ndarray
    ion_velocity: dict
    transition_altitude_km: float
    exospheric_temperature: float

    @property
    def peak_index(self):
        """Return the index of the electron density peak."""
        return int(np.argmax(self.electron_density))

    @property
    def peak_altitude_km(self):
        """Return the altitude (km) of the electron density peak."""
        return float(self.altitude_km[self.peak_index])

    @property
    def peak_density(self):
        """Return the peak electron density (cm^-3)."""
        return float(self.electron_density[self.peak_index])


def exospheric_temperature(planet, f107, local_time_h):
    """Return the exospheric temperature (K) for F10.7 and local time."""
    diurnal = np.cos(np.radians((local_time_h - 14.0) * 15.0))
    return (planet.exo_temperature_a + planet.exo_temperature_b * f107) * (
        1.0 + planet.exo_diurnal * diurnal)


def neutral_temperature(planet, altitude_km, t_exo):
    """Return the Bates temperature profile (K) at altitude_km."""
    z0, t0 = planet.ref_altitude_km, planet.ref_temperature_k
    dz = np.maximum(np.asarray(altitude_km, dtype=float) - z0, 0.0)
    return t_exo - (t_exo - t0) * np.exp(-planet.bates_shape_per_km * dz)


def neutral_densities(planet, altitude_km, t_exo):
    """Return {neutral name: density (cm^-3)} at altitude_km (an increasing
    grid), each species in hydrostatic equilibrium from the reference
    altitude."""
    z = np.asarray(altitude_km, dtype=float)
    temperature = neutral_temperature(planet, z, t_exo)
    t_ref = planet.ref_temperature_k
    out = {}
    for neutral in planet.neutrals:
        inverse_h = neutral.mass_amu * AMU * planet.gravity(z) / (
            BOLTZMANN * temperature) * 1e3  # 1/km
        integral = _cumulative_from(z, inverse_h, planet.ref_altitude_km)
        out[neutral.name] = neutral.density_ref_cm3 * t_ref / temperature * np.exp(-integral)
    return out


def optical_depth(planet, altitude_km, chi_deg, t_exo):
    """Return the EUV optical depth to the Sun at each altitude_km for a
    solar zenith angle chi_deg (inf where the planet's body blocks the Sun)."""
    z_low = min(planet.ref_altitude_km, planet.altitude_min_km) - 40.0
    z_top = planet.altitude_max_km * 3.0
    fine = np.linspace(z_low, z_top, 4000)
    densities = neutral_densities(planet, fine, t_exo)
    log_sigma_n = np.log(sum(densities[n.name] * n.absorption_cm2 for n in planet.neutrals))
    radius = planet.radius_km
    cos_chi = np.cos(np.radians(chi_deg))
    tau = np.empty(len(altitude_km))
    for k, z in enumerate(altitude_km):
        r = radius + z
        r_top = radius + z_top
        if r >= r_top:
            tau[k] = 0.0
            continue
        # Distance along the ray to the top of the grid.
        s_max = -r * cos_chi + np.sqrt((r * cos_chi) ** 2 + r_top ** 2 - r ** 2)
        s = np.linspace(0.0, s_max, 3000)
        rho = np.sqrt(r * r + s * s + 2.0 * r * s * cos_chi)
        if rho.min() < radius + z_low:
            tau[k] = np.inf
            continue
        alpha = np.exp(np.interp(rho - radius, fine, log_sigma_n))
        tau[k] = np.trapz(alpha, s) * 1e5
    return tau


def electron_temperature(planet, altitude_km, tn, day_weight):
    """Return Te (K): from Tn at the reference altitude to the topside value."""
    top = planet.te_top_night + day_weight * (planet.te_top_day - planet.te_top_night)
    return _rise(planet, altitude_km, tn, top, planet.te_height_km)


def ion_temperature(planet, altitude_km, tn, day_weight):
    """Return Ti (K): from Tn at the reference altitude to the topside value."""
    top = planet.ti_top_night + day_weight * (planet.ti_top_day - planet.ti_top_night)
    return _rise(planet, altitude_km, tn, top, planet.ti_height_km)


def _rise(planet, altitude_km, tn, top, height_km):
    """Return tn rising towards top (never below tn) with altitude above the
    reference altitude, e-folding height height_km."""
    dz = np.maximum(altitude_km - planet.ref_altitude_km, 0.0)
    return np.maximum(tn, tn + (top - tn) * (1.0 - np.exp(-dz / height_km)))


def production(planet, densities, tau, flux):
    """Return {ion name: photoproduction rate (cm^-3 s^-1)} for the given
    neutral densities, optical depths and photon flux at the top."""
    attenuated = flux * np.exp(-tau)
    out = {}
    for ion in planet.ions:
        rate = np.zeros_like(tau)
        for source, fraction in ion.sources:
            rate = rate + fraction * planet.neutral(source).ionization_cm2 * densities[source]
        out[ion.name] = rate * attenuated
    return out


def chemical_equilibrium(planet, prod, densities, te):
    """Return ({ion: density}, {ion: loss frequency (1/s)}, {ion: total
    production (cm^-3 s^-1)}) of photochemical equilibrium for the
    photoproductions prod (cm^-3 s^-1)."""
    total = sum(prod.values())
    n_e = np.sqrt(total / 3e-7) + 1e-6
    dens = {ion.name: n_e / len(planet.ions) for ion in planet.ions}
    reaction_loss = {ion.name: sum((r.rate_cm3s * densities[r.neutral] for r in ion.reactions),
                                   np.zeros_like(n_e)) for ion in planet.ions}
    for _ in range(_CHEMISTRY_ITERATIONS):
        loss = {}
        new = {}
        total_made = {}
        for ion in planet.ions:
            made = prod[ion.name].copy()
            for other in planet.ions:
                for r in other.reactions:
                    if r.product == ion.name:
                        made = made + r.rate_cm3s * densities[r.neutral] * dens[other.name]
            total_made[ion.name] = made
            loss[ion.name] = ion.alpha(te) * n_e + reaction_loss[ion.name]
            new[ion.name] = made / loss[ion.name]
        new_e = sum(new.values())
        n_e = np.sqrt(n_e * np.maximum(new_e, 1e-30))
        dens = new
    return dens, loss, total_made


def collision_frequency(planet, ion, densities):
    """Return the ion-neutral momentum-transfer collision frequency (1/s)
    of ion in the neutral densities (non-resonant formula)."""
    nu = 0.0
    for neutral in planet.neutrals:
        mu = ion.mass_amu * neutral.mass_amu / (ion.mass_amu + neutral.mass_amu)
        nu = nu + 2.59e-9 * densities[neutral.name] * np.sqrt(neutral.polarizability / mu)
    return nu


def diffusive_equilibrium(planet, altitude_km, start_index, start_densities, te, ti):
    """Return {ion: density} in multi-ion diffusive equilibrium along
    altitude_km, equal to start_densities at start_index, integrated up and
    down from there (gravity, pressure gradients, ambipolar electric field)."""
    z = altitude_km
    dte = np.gradient(te, z) / 1e3  # K/m
    dti = np.gradient(ti, z) / 1e3
    masses = np.array([ion.mass_amu * AMU for ion in planet.ions])

    def slopes(k_z, log_n):
        """d ln n_i / dz (1/m) at fractional grid index k_z."""
        zz = np.interp(k_z, np.arange(len(z)), z)
        g = planet.gravity(zz)
        tek = np.interp(k_z, np.arange(len(z)), te)
        tik = np.interp(k_z, np.arange(len(z)), ti)
        dtek = np.interp(k_z, np.arange(len(z)), dte)
        dtik = np.interp(k_z, np.arange(len(z)), dti)
        n = np.exp(log_n)
        f = n / n.sum()
        forcing = (masses * g + BOLTZMANN * dtik + BOLTZMANN * dtek) / (BOLTZMANN * tik)
        x = -np.sum(f * forcing) / (1.0 + np.sum(f) * tek / tik)
        return -forcing - tek / tik * x

    log_n = np.empty((len(z), len(planet.ions)))
    log_n[start_index] = np.log(np.maximum(start_densities, 1e-30))
    substeps = 20
    for direction, indices in ((1, range(start_index + 1, len(z))),
                               (-1, range(start_index - 1, -1, -1))):
        current = log_n[start_index].copy()
        k_prev = start_index
        for k in indices:
            dz = (z[k] - z[k_prev]) * 1e3 / substeps
            for j in range(substeps):
                kz = k_prev + direction * j / substeps
                k1 = slopes(kz, current)
                k2 = slopes(kz + direction * 0.5 / substeps, current + 0.5 * dz * k1)
                current = current + dz * k2
            log_n[k] = current
            k_prev = k
    return {ion.name: np.exp(log_n[:, i]) for i, ion in enumerate(planet.ions)}


def run(conditions):
    """Return the Profile of a run under the given Conditions."""
    planet = conditions.planet
    z = np.linspace(planet.altitude_min_km, planet.altitude_max_km, PROFILE_POINTS)
    t_exo = exospheric_temperature(planet, conditions.f107, conditions.local_time_h)
    tn = neutral_temperature(planet, z, t_exo)
    densities = neutral_densities(planet, z, t_exo)
    chi = conditions.solar_zenith_angle
    day_weight = 0.5 * (1.0 + np.tanh((90.0 - chi) / 5.0))
    te = electron_temperature(planet, z, tn, day_weight)
    ti = ion_temperature(planet, z, tn, day_weight)

    flux = EUV_FLUX_80 * (1.0 + EUV_FLUX_SLOPE * (conditions.f107 - 80.0)) / (
        conditions.sun_distance_au ** 2)
    prod = production(planet, densities, optical_depth(planet, z, chi, t_exo), flux)
    night = production(planet, densities, optical_depth(planet, z, 0.0, t_exo),
                       flux * NIGHT_SOURCE_FRACTION[planet.name])
    prod = {name: np.maximum(prod[name], night[name]) for name in prod}
    chem, loss, made = chemical_equilibrium(planet, prod, densities, te)

    scale_height = {ion.name: BOLTZMANN * (te + ti) / (ion.mass_amu * AMU * planet.gravity(z))
                    for ion in planet.ions}
    diffusion = {ion.name: BOLTZMANN * (te + ti) / (
        ion.mass_amu * AMU * collision_frequency(planet, ion, densities)) for ion in planet.ions}
    start = transition_index(planet, chem, loss, scale_height, diffusion, prod)
    z_t = float(z[start])

    names = [ion.name for ion in planet.ions]
    at_start = np.array([chem[name][start] for name in names])
    diffused = diffusive_equilibrium(planet, z, start, at_start, te, ti)
    width_km = 0.15 * scale_height[names[int(np.argmax(at_start))]][start] / 1e3
    weight = 1.0 / (1.0 + np.exp(-(z - z_t) / max(width_km, 1e-3)))
    ions = {}
    for name in names:
        log_n = (1.0 - weight) * np.log(np.maximum(chem[name], 1e-30)) + weight * np.log(
            np.maximum(diffused[name], 1e-30))
        ions[name] = np.exp(log_n)
    n_e = sum(ions.values())
    velocities = field_aligned_velocities(planet, z, start, weight, ions, made, te, ti,
                                          upward=chi < 90.0)
    return Profile(z, n_e, ions, tn, te, ti, velocities, z_t, float(t_exo))


def transition_index(planet, chem, loss, scale_height, diffusion, prod):
    """Return the index of the transition altitude: the lowest one above the
    production peak where an ion making at least SIGNIFICANT_FRACTION of the
    plasma diffuses (H_p^2 / D) faster than it is lost (1 / L); the top of
    the grid when there is none."""
    names = [ion.name for ion in planet.ions]
    chem_matrix = np.array([chem[name] for name in names])
    tau_diff = np.array([scale_height[n] ** 2 / diffusion[n] for n in names])
    tau_chem = np.array([1.0 / loss[n] for n in names])
    significant = chem_matrix >= SIGNIFICANT_FRACTION * chem_matrix.sum(axis=0)
    diffusion_wins = np.any(significant & (tau_diff < tau_chem), axis=0)
    columns = np.arange(chem_matrix.shape[1])
    peak_production = int(np.argmax(sum(prod.values())))
    candidates = np.nonzero(diffusion_wins & (columns >= peak_production))[0]
    return int(candidates[0]) if len(candidates) else len(columns) - 1


def field_aligned_velocities(planet, z, start, weight, ions, made, te, ti, upward):
    """Return {ion: field-aligned velocity (km/s)}: FLUX_FRACTION of the
    ion's column production above z[start] carried along the flux tube,
    upward (or downward), within the ion acoustic speed, NaN where the ion is
    below TRACE_FRACTION of the plasma; weight brings the flow in across the
    transition."""
    n_e = sum(ions.values())
    r = planet.radius_km + z
    tube = (r[start] / r) ** planet.tube_exponent
    sign = 1.0 if upward else -1.0
    velocities = {}
    for ion in planet.ions:
        name = ion.name
        column = np.trapz(made[name][start:], z[start:]) * 1e5  # cm^-2 s^-1
        speed = FLUX_FRACTION * column * tube / ions[name] * weight / 1e2  # m/s
        acoustic = np.sqrt(BOLTZMANN * (te + ti) / (ion.mass_amu * AMU))
        u = sign * np.minimum(speed, acoustic) / 1e3
        velocities[name] = np.where(ions[name] >= TRACE_FRACTION * n_e, u, np.nan)
    return velocities


def _cumulative_from(z, values, z_ref):
    """Return the integral of values (per km) over z from z_ref to each z
    (negative below z_ref), by the trapezoidal rule."""
    steps = 0.5 * (values[1:] + values[:-1]) * np.diff(z)
    cumulative = np.concatenate([[0.0], np.cumsum(steps)])
    return cumulative - np.interp(z_ref, z, cumulative)
