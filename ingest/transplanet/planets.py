"""Constants of the planets the Transplanet runs cover: Earth, Mars, Jupiter.

Each :class:`Planet` holds what the ionosphere approximation of
:mod:`ingest.transplanet.ionosphere` needs: size and gravity, spin axis,
a thermosphere (neutral species at a reference altitude and a Bates
temperature profile), ion species with their photochemistry, the electron and
ion temperature profile shapes, and the altitude range of the runs.

Sources (see resources/transplanet/README.md for the full list):
radii and poles: IAU WGCCRE 2009 report (Archinal et al. 2011, CMDA 109,
101), GM: JPL planetary constants; Earth thermosphere: US Standard Atmosphere 1976 at 120 km and the
Jacchia (1971) exospheric temperature; Mars: MAVEN NGIMS densities (Mahaffy et
al. 2015, GRL 42, 8951) and exospheric temperatures (Bougher et al. 2015,
Science 350); Jupiter: Galileo probe thermosphere (Seiff et al. 1998, JGR 103,
22857); rate coefficients and polarizabilities: Schunk & Nagy (2009),
Ionospheres, 2nd ed., Cambridge University Press; photoabsorption and
photoionization cross sections: grey (EUV-averaged) values of the order of
those tabulated by Schunk & Nagy (2009), chapter 9.
"""

from dataclasses import dataclass

#: Atomic mass unit (kg) and Boltzmann constant (J/K).
AMU = 1.66053907e-27
BOLTZMANN = 1.380649e-23


@dataclass(frozen=True)
class Neutral:
    """A neutral species: mass (amu), number density (cm^-3) at the
    planet's reference altitude, grey EUV absorption and ionization cross
    sections (cm^2), polarizability (1e-24 cm^3)."""

    name: str
    mass_amu: float
    density_ref_cm3: float
    absorption_cm2: float
    ionization_cm2: float
    polarizability: float


@dataclass(frozen=True)
class Reaction:
    """An ion-neutral reaction ion + neutral -> product ion (or None when
    the product is not followed), with rate coefficient (cm^3/s)."""

    neutral: str
    rate_cm3s: float
    product: str = None


@dataclass(frozen=True)
class Ion:
    """An ion species: mass (amu), its photoionization sources as (neutral,
    fraction of that neutral's ionizations giving this ion) pairs (none for
    ions made only by reactions), its dissociative (or radiative)
    recombination coefficient alpha(Te) = alpha_300 (300/Te)^alpha_exponent
    (cm^3/s), and its reactions with neutrals."""

    name: str
    mass_amu: float
    sources: tuple = ()
    alpha_300: float = 0.0
    alpha_exponent: float = 0.5
    reactions: tuple = ()

    def alpha(self, te):
        """Return the recombination coefficient (cm^3/s) at electron
        temperature te (K)."""
        return self.alpha_300 * (300.0 / te) ** self.alpha_exponent


@dataclass(frozen=True)
class Planet:
    """A planet as the runs see it (SI units unless the name says)."""

    name: str
    radius_km: float
    gm_m3s2: float
    pole_ra_deg: float
    pole_dec_deg: float
    ref_altitude_km: float
    ref_temperature_k: float
    #: Bates profile shape parameter (1/km).
    bates_shape_per_km: float
    #: Exospheric temperature: a + b * F10.7 (K), times (1 + diurnal * cos)
    #: of the hour angle from the 14 h local-time maximum.
    exo_temperature_a: float
    exo_temperature_b: float
    exo_diurnal: float
    neutrals: tuple
    ions: tuple
    #: Electron and ion temperatures rise from the neutral one to these
    #: (K, day / night) over these e-folding heights (km).
    te_top_day: float
    te_top_night: float
    te_height_km: float
    ti_top_day: float
    ti_top_night: float
    ti_height_km: float
    altitude_min_km: float
    altitude_max_km: float
    #: Cross-section of a flux tube grows as r^tube_exponent (3 for a
    #: dipole field, 2 for radial spreading).
    tube_exponent: float
    target_class: str = "planet"

    def gravity(self, altitude_km):
        """Return the gravitational acceleration (m/s^2) at altitude_km."""
        r = (self.radius_km + altitude_km) * 1e3
        return self.gm_m3s2 / r ** 2

    def neutral(self, name):
        """Return the Neutral called name."""
        return next(n for n in self.neutrals if n.name == name)


EARTH = Planet(
    name="Earth", radius_km=6371.0, gm_m3s2=3.986004e14,
    pole_ra_deg=0.0, pole_dec_deg=90.0,
    ref_altitude_km=120.0, ref_temperature_k=360.0, bates_shape_per_km=0.021,
    exo_temperature_a=379.0, exo_temperature_b=3.24, exo_diurnal=0.14,
    neutrals=(
        Neutral("N2", 28.0, 3.726e11, 1.1e-17, 0.9e-17, 1.76),
        Neutral("O2", 32.0, 4.395e10, 1.6e-17, 1.0e-17, 1.59),
        Neutral("O", 16.0, 9.275e10, 1.0e-17, 1.0e-17, 0.79),
        Neutral("H", 1.0, 1.0e6, 5.0e-18, 5.0e-18, 0.67),
    ),
    ions=(
        Ion("O+", 16.0, sources=(("O", 1.0),), alpha_300=3.7e-12, alpha_exponent=0.7,
            reactions=(Reaction("N2", 1.2e-12, "NO+"), Reaction("O2", 1.6e-11, "O2+"),
                       Reaction("H", 6.4e-10, "H+"))),
        Ion("H+", 1.0, sources=(("H", 1.0),), alpha_300=4.8e-12, alpha_exponent=0.7,
            reactions=(Reaction("O", 5.7e-10, "O+"),)),
        Ion("N2+", 28.0, sources=(("N2", 1.0),), alpha_300=2.2e-7, alpha_exponent=0.39,
            reactions=(Reaction("O", 1.4e-10, "NO+"), Reaction("O2", 5.0e-11, "O2+"))),
        Ion("O2+", 32.0, sources=(("O2", 1.0),), alpha_300=2.4e-7, alpha_exponent=0.7),
        Ion("NO+", 30.0, alpha_300=4.0e-7, alpha_exponent=0.5),
    ),
    te_top_day=3000.0, te_top_night=1200.0, te_height_km=150.0,
    ti_top_day=1800.0, ti_top_night=1000.0, ti_height_km=400.0,
    altitude_min_km=100.0, altitude_max_km=2000.0, tube_exponent=3.0,
)

MARS = Planet(
    name="Mars", radius_km=3389.5, gm_m3s2=4.282837e13,
    pole_ra_deg=317.68143, pole_dec_deg=52.88650,
    ref_altitude_km=120.0, ref_temperature_k=140.0, bates_shape_per_km=0.04,
    exo_temperature_a=150.0, exo_temperature_b=0.9, exo_diurnal=0.10,
    neutrals=(
        Neutral("CO2", 44.0, 4.0e11, 3.0e-17, 2.6e-17, 2.63),
        Neutral("O", 16.0, 4.0e9, 1.0e-17, 1.0e-17, 0.79),
    ),
    ions=(
        Ion("CO2+", 44.0, sources=(("CO2", 1.0),), alpha_300=3.1e-7, alpha_exponent=0.5,
            reactions=(Reaction("O", 1.64e-10, "O2+"), Reaction("O", 9.6e-11, "O+"))),
        Ion("O+", 16.0, sources=(("O", 1.0),), alpha_300=3.7e-12, alpha_exponent=0.7,
            reactions=(Reaction("CO2", 1.1e-9, "O2+"),)),
        Ion("O2+", 32.0, alpha_300=1.95e-7, alpha_exponent=0.7),
    ),
    te_top_day=3000.0, te_top_night=1000.0, te_height_km=40.0,
    ti_top_day=1000.0, ti_top_night=400.0, ti_height_km=80.0,
    altitude_min_km=80.0, altitude_max_km=600.0, tube_exponent=2.0,
)

JUPITER = Planet(
    name="Jupiter", radius_km=71492.0, gm_m3s2=1.26686534e17,
    pole_ra_deg=268.056595, pole_dec_deg=64.495303,
    ref_altitude_km=350.0, ref_temperature_k=200.0, bates_shape_per_km=0.006,
    exo_temperature_a=850.0, exo_temperature_b=0.5, exo_diurnal=0.03,
    neutrals=(
        Neutral("H2", 2.0, 3.0e13, 6.0e-18, 5.5e-18, 0.82),
        Neutral("H", 1.0, 1.0e10, 5.0e-18, 5.0e-18, 0.67),
        Neutral("He", 4.0, 3.0e12, 4.0e-18, 4.0e-18, 0.21),
    ),
    ions=(
        Ion("H+", 1.0, sources=(("H", 1.0), ("H2", 0.1)), alpha_300=4.8e-12,
            alpha_exponent=0.7, reactions=(Reaction("H2", 1.0e-14, "H3+"),)),
        Ion("H3+", 3.0, sources=(("H2", 0.9),), alpha_300=7.0e-8,
            alpha_exponent=0.5),
    ),
    te_top_day=1500.0, te_top_night=1100.0, te_height_km=400.0,
    ti_top_day=1200.0, ti_top_night=1000.0, ti_height_km=600.0,
    altitude_min_km=300.0, altitude_max_km=4000.0, tube_exponent=3.0,
)

PLANETS = {planet.name: planet for planet in (EARTH, MARS, JUPITER)}
