"""The SPASE to EPN-TAP 2.0 mapping of the AMDA data base (service ``amdadb``).

One granule per dataset and UTC day of the dataset's SPASE TimeSpan.  Every
rule of the mapping is here; docs/amdadb-mapping.md tells them as a table.

:func:`granules` is what a DaCHS grammar iterates over; :func:`map_catalog`
gives the same rows grouped per dataset (:class:`Dataset`), which is what
the bulk loader and the dry-run report use.
"""
from __future__ import annotations

import datetime as dt
import math
import os
import re
import urllib.parse
from dataclasses import dataclass, field

from ingest import cdf_archive, links
from instance import settings as settings_module
from spase import Catalog
from spase.timeutil import UTC

SERVICE = "amdadb"

#: The epn_core columns each granule dict carries, in table order.
COLUMNS = (
    "granule_uid", "granule_gid", "obs_id", "dataproduct_type",
    "target_name", "target_class", "time_min", "time_max",
    "time_sampling_step_min", "time_sampling_step_max",
    "time_exp_min", "time_exp_max",
    "spectral_range_min", "spectral_range_max",
    "spectral_sampling_step_min", "spectral_sampling_step_max",
    "spectral_resolution_min", "spectral_resolution_max",
    "c1min", "c1max", "c2min", "c2max", "c3min", "c3max", "s_region",
    "c1_resol_min", "c1_resol_max", "c2_resol_min", "c2_resol_max",
    "c3_resol_min", "c3_resol_max",
    "spatial_frame_type",
    "incidence_min", "incidence_max", "emergence_min", "emergence_max",
    "phase_min", "phase_max",
    "instrument_host_name", "instrument_name", "measurement_type",
    "processing_level", "creation_date", "modification_date", "release_date",
    "service_title",
    # optional columns (the RD's optional_columns)
    "access_url", "access_format", "access_estsize", "file_name",
    "datalink_url", "thumbnail_url", "publisher", "bib_reference",
    "external_link", "target_region", "time_scale", "instrument_type",
    "spatial_coordinate_description", "processing_level_desc", "species",
)

#: The optional epntap2 columns among COLUMNS (for the RD's mixin optional_columns).
OPTIONAL_COLUMNS = COLUMNS[COLUMNS.index("access_url"):]

#: Keys the //epntap2 mixin reads to fill DaCHS's products table.
PRODUCT_KEYS = ("prodtblAccref", "prodtblFsize", "prodtblPreview", "prodtblPath", "prodtblMime")

#: What a dataset id (hence a granule_uid) may hold: URL- and ADQL-safe characters.
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

CDF_MIME = "application/x-cdf"
CSV_MIME = "text/csv"

# --- targets -----------------------------------------------------------------

_PLANETS = {"Mercury", "Venus", "Earth", "Mars", "Jupiter", "Saturn", "Uranus", "Neptune"}
_DWARF_PLANETS = {"Pluto", "Ceres"}
#: The name the interplanetary medium gets as a target.
INTERPLANETARY_MEDIUM = "Solar wind"
#: Comets of the AMDA records: (IAU name, words naming it in a dataset or
#: observatory name, (observatory, closest-approach date) of fly-bys).
_COMETS = (
    ("67P/Churyumov-Gerasimenko", ("Churyumov", "67P", "P67", "Rosetta"), ()),
    ("1P/Halley", ("Halley",), (("Giotto", dt.date(1986, 3, 14)),)),
    ("26P/Grigg-Skjellerup", ("Grigg",), (("Giotto", dt.date(1992, 7, 10)),)),
    ("21P/Giacobini-Zinner", ("Giacobini",), (("ICE", dt.date(1985, 9, 11)),)),
)

#: Days around a fly-by's closest approach that still belong to the encounter.
_FLYBY_DAYS = 3


def comet_name(context, start=None, stop=None):
    """Return the IAU name of the comet a dataset observed, or None.

    ``context`` is the dataset and observatory names: the comet is the one
    they name, or the one their observatory flew by within [start, stop]
    (give or take _FLYBY_DAYS: encounter data stop just before closest approach).
    """
    lowered = context.lower()
    for name, words, _ in _COMETS:
        if any(w.lower() in lowered for w in words):
            return name
    if start is not None and stop is not None:
        for name, _, flybys in _COMETS:
            for observatory, when in flybys:
                near = dt.timedelta(days=_FLYBY_DAYS)
                if (observatory.lower() in lowered.split()
                        and start.date() - near <= when <= stop.date() + near):
                    return name
    return None


def target_of_region(region, context="", start=None, stop=None):
    """Return (target_name, target_class, target_region) for a SPASE region.

    ``region`` is an ObservedRegion / ObservatoryRegion value such as
    ``Earth.Magnetosphere.Main`` or ``Jupiter.Ganymede``; ``context``, ``start``
    and ``stop`` tell which comet a ``Comet`` region is (see :func:`comet_name`).
    Returns None for a region that names no target.
    """
    parts = region.split(".")
    body, rest = parts[0], parts[1:]
    if body in _PLANETS or body in _DWARF_PLANETS:
        cls = "planet" if body in _PLANETS else "dwarf_planet"
        # Planet.Moon, e.g. Jupiter.Ganymede: the satellite is the target.
        if rest and rest[0][:1].isupper() and rest[0] not in _PLANET_REGIONS:
            return rest[0], "satellite", ".".join(rest[1:]) or None
        return body, cls, ".".join(rest) or None
    if body == "Heliosphere":
        return INTERPLANETARY_MEDIUM, "interplanetary_medium", ".".join(rest) or None
    if body == "Sun":
        return "Sun", "star", ".".join(rest) or None
    if body == "Comet":
        return comet_name(context, start, stop), "comet", ".".join(rest) or None
    if body == "Asteroid":
        return None, "asteroid", ".".join(rest) or None
    return None


#: SPASE region terms below a planet that are regions, not satellites.
_PLANET_REGIONS = {
    "Magnetosphere", "Magnetosheath", "NearSurface", "Surface", "Atmosphere",
    "Ionosphere", "Plasmasphere", "Heliosphere", "Aurora", "AuroralRegion",
    "Interior", "Thermosphere", "Mesosphere", "Stratosphere", "Troposphere",
    "Exosphere", "Magnetotail", "RadiationBelt", "Ring", "Rings", "Torus",
}


# --- measurement types -> UCDs ----------------------------------------------

_MEASUREMENT_UCD = {
    "MagneticField": "phys.magField",
    "ElectricField": "phys.electField",
    "ThermalPlasma": "phys.particle",
    "EnergeticParticles": "phys.particle",
    "IonComposition": "phys.atmol.ionStage",
    "NeutralGas": "phys.atmol",
    "Ephemeris": "pos.ephem",
    "ActivityIndex": "src.var.index",
    "Waves": "em.radio",
    "Waves.Passive": "em.radio",
    "Waves.Active": "em.radio",
    "Dust": "phys.particle.dust",
    "Irradiance": "phot.flux",
    "Spectrum": "spect",
}

_QUANTITY_UCD = {
    ("Field", "Magnetic"): "phys.magField",
    ("Field", "Electric"): "phys.electField",
    ("Field", "Potential"): "phys.potential",
    ("Field", "Current"): "phys.current",
    ("Particle", "NumberDensity"): "phys.density",
    ("Particle", "Velocity"): "phys.veloc",
    ("Particle", "FlowVelocity"): "phys.veloc",
    ("Particle", "FlowSpeed"): "phys.veloc",
    ("Particle", "Temperature"): "phys.temperature",
    ("Particle", "Pressure"): "phys.pressure",
    ("Particle", "NumberFlux"): "phys.flux",
    ("Particle", "EnergyFlux"): "phys.flux;phys.energy",
    ("Particle", "HeatFlux"): "phys.flux;phys.energy",
    ("Particle", "Energy"): "phys.energy",
    ("Particle", "CountRate"): "phys.particle",
    ("Particle", "Counts"): "phys.particle",
    ("Wave", "ACElectricField"): "phys.electField",
    ("Wave", "ACMagneticField"): "phys.magField",
    ("Wave", "PlasmaFrequency"): "em.freq",
    ("Wave", "Frequency"): "em.freq",
    ("Wave", "EnergyFlux"): "phot.flux",
    ("Mixed", "PlasmaBeta"): "phys.pressure;arith.ratio",
    ("Mixed", "AlfvenMachNumber"): "phys.veloc;arith.ratio",
    ("Support", "Positional"): "pos.ephem",
}


def _clean_ucd(text):
    """Return a UCD as written in a record, normalised (None if blank)."""
    if not text or not text.strip():
        return None
    words = [w.strip() for w in text.split(";") if w.strip()]
    # Records write a few words with a wrong case ("Phys.magField", "ionstage").
    fixed = []
    for w in words:
        head, _, tail = w.partition(".")
        fixed.append(head.lower() + ("." + tail if tail else ""))
    return ";".join(fixed).replace("phys.atmol.Ionstage", "phys.atmol.ionStage") or None


def measurement_ucds(dataset):
    """Return the '#'-joined UCDs of a dataset: its parameters' UCDs (or, when a
    parameter has none, those of its kind and quantity), then those of its
    MeasurementTypes; support and quality parameters left out."""
    found = []
    for p in dataset.parameters:
        if p.kind == "Support" and (not p.quantities or p.quantities[0] != "Positional"):
            continue
        ucd = _clean_ucd(p.ucd)
        if ucd is None or ucd.startswith(("meta.", "stat.", "time.")):
            ucd = None
            for q in p.quantities:
                ucd = _QUANTITY_UCD.get((p.kind, q))
                if ucd:
                    break
        if ucd and ucd not in found:
            found.append(ucd)
    for mt in dataset.measurement_types:
        ucd = _MEASUREMENT_UCD.get(mt)
        if ucd and not any(f == ucd or f.startswith(ucd + ";") for f in found):
            found.append(ucd)
    return "#".join(found) or None


# --- processing level ------------------------------------------------------

#: SPASE (Provider)ProcessingLevel -> CODMAC level.
_CODMAC = {
    "raw": 1,
    "uncalibrated": 2,
    "telemetry": 1,
    "calibrated": 3,
    "level 1": 2,
    "level 2": 3,
    "level 3": 4,
    "final": 3,
    "valueadded": 5,
}


def processing_level(dataset, instruments):
    """Return (CODMAC level, description) of a dataset.

    From ProcessingLevel, else ProviderProcessingLevel; a model or ephemeris
    dataset without one is derived data (5); a dataset with a parameter in
    physical Units (not counts) is calibrated (3).  (None, None) if nothing tells.
    """
    for text in dataset.processing_levels + [dataset.provider_processing_level]:
        if text and text.strip().lower() in _CODMAC:
            return _CODMAC[text.strip().lower()], text.strip()
    names = " ".join(i.resource_id for i in instruments)
    if "Ephemeris" in dataset.measurement_types or "/Models" in names or "Ephemeri" in names:
        return 5, "derived (ephemeris or model output)"
    if any(p.units and "count" not in p.units.lower() for p in dataset.parameters):
        return 3, "calibrated (physical units)"
    return None, None


# --- URLs ------------------------------------------------------------------


def _iso(when):
    return f"{when.year:04d}-{when.month:02d}-{when.day:02d}T{when.hour:02d}:{when.minute:02d}:{when.second:02d}Z"



def publisher_did(granule_uid, authority):
    """Return the publisher DID of a granule: ivo://<authority>/~?amdadb/<granule_uid>."""
    return links.publisher_did(SERVICE, granule_uid, authority)


def datalink_url(granule_uid, server_url, authority):
    """Return the URL of a granule's DataLink document."""
    return links.datalink_url(SERVICE, granule_uid, server_url, authority)


def thumbnail_url(granule_uid, server_url, authority):
    """Return the URL of a granule's PNG preview (served by the DataLink service)."""
    did = urllib.parse.quote(publisher_did(granule_uid, authority), safe="")
    return f"{server_url}/{SERVICE}/q/dl/dlget?ID={did}&FORMAT=image%2Fpng"


def hapi_data_url(hapi_url, dataset_id, start, stop):
    """Return the HAPI data URL (CSV) of ``dataset_id`` between two aware datetimes.

    Without ``start`` and ``stop``, return the URL up to the dataset id, to
    which ``&time.min=...&time.max=...`` is appended.
    """
    url = f"{hapi_url.rstrip('/')}/data?id={urllib.parse.quote(dataset_id, safe='')}"
    if start is None or stop is None:
        return url
    return f"{url}&time.min={_iso(start)}&time.max={_iso(stop)}"


_UID_SENTINEL = "GRANULEUID"


def _url_template(build, server_url, authority):
    """Return (head, tail) so that head + uid + tail == build(uid, server_url, authority)."""
    head, _, tail = build(_UID_SENTINEL, server_url, authority).partition(_UID_SENTINEL)
    return head, tail


def landing_page(resource_id, landing_base):
    """Return the web page of a SPASE record (``spase://X/Y`` -> ``<landing_base>/X/Y.html``)."""
    return f"{landing_base.rstrip('/')}/{resource_id[len('spase://'):]}.html"


def hapi_dataset_id(record):
    """Return the HAPI id of a NumericalData record: its last ResourceID segment, unless its
    HAPI AccessURLs give ProductKeys without it (then the first of them)."""
    keys = [k for u in record.access_urls("HAPI") for k in u.product_keys]
    return keys[0] if keys and record.local_id not in keys else record.local_id

# --- one dataset -------------------------------------------------------------


def _join(values):
    seen = []
    for v in values:
        if v and v not in seen:
            seen.append(v)
    return "#".join(seen) or None


def _seconds(duration):
    return duration.total_seconds() if duration is not None else None


def _values_per_record(dataset):
    total = 0
    for p in dataset.parameters:
        n = 1
        for s in p.sizes:
            n *= max(s, 1)
        total += n
    return total


class Skip(Exception):
    """A dataset left out of the table, with the reason a scientist would be told."""


#: The columns that change from one granule of a dataset to the next.
VARIABLE_COLUMNS = ("granule_uid", "obs_id", "time_min", "time_max", "access_url",
                    "access_format", "access_estsize", "file_name", "datalink_url",
                    "thumbnail_url")

#: The columns of the granules table: what is stored per granule.  The
#: epn_core view joins it to the datasets table and completes obs_id,
#: datalink_url and thumbnail_url from the granule_uid and DATASET_EXTRAS.
GRANULE_COLUMNS = ("granule_uid", "granule_gid", "time_min", "time_max", "access_url",
                   "access_format", "access_estsize", "file_name")

#: A dataset's summary of its granules: how many, the first time_min and the last
#: time_max (discovery queries read them instead of the granules, instance.discovery).
DATASET_SUMMARY = ("granule_count", "first_time_min", "last_time_max")

#: What the datasets table holds besides the dataset's epn_core columns: whether
#: the dataset is public, the pieces of its granules' obs_id (obs_prefix +
#: "_YYYYMMDD") and URLs (head + granule_uid + tail), and DATASET_SUMMARY.
DATASET_EXTRAS = ("is_public", "obs_prefix", "datalink_head", "datalink_tail",
                  "thumbnail_head", "thumbnail_tail") + DATASET_SUMMARY

#: The columns of the datasets table: one row per dataset.
DATASET_COLUMNS = tuple(c for c in COLUMNS if c not in VARIABLE_COLUMNS) + DATASET_EXTRAS

#: Julian date of 0001-01-01T00:00 UTC minus one (proleptic Gregorian ordinal 0).
_JD_ORDINAL0 = 1721424.5


def julian_date(when):
    """Return the UTC Julian date of an aware datetime (days of 86400 s, as EPN-TAP's UTC JD)."""
    when = when.astimezone(UTC)
    seconds = when.hour * 3600 + when.minute * 60 + when.second + when.microsecond / 1e6
    return when.toordinal() + _JD_ORDINAL0 + seconds / 86400.0


@dataclass
class Dataset:
    """One NumericalData record mapped: its constant columns and its days.

    ``constants`` holds the columns equal for all its granules; granule ``i``
    is the UTC day ``first + i`` of the TimeSpan [``start``, ``stop``], the
    first and last days cut to it; ``files`` maps a date to its local CDF file.
    """

    dataset_id: str
    resource_id: str
    path: str
    public: bool
    access_rights: str
    constants: dict
    start: dt.datetime
    stop: dt.datetime
    first: dt.date
    ndays: int
    files: dict = field(default_factory=dict)
    obs_prefix: str = ""
    hapi_url: str = ""
    hapi_id: str = ""
    estsize_kb: int | None = None
    server_url: str = ""
    authority: str = ""
    data_dir: str | None = None
    warnings: list = field(default_factory=list)

    def __post_init__(self):
        # URLs are built once per dataset and completed per granule; granule
        # uids only hold URL-safe characters, so they go in unquoted.
        self._datalink = _url_template(datalink_url, self.server_url, self.authority)
        self._thumbnail = _url_template(thumbnail_url, self.server_url, self.authority)
        self._hapi = hapi_data_url(self.hapi_url, self.hapi_id or self.dataset_id, None, None)
        self._ord0 = self.first.toordinal()
        self._jd_start = julian_date(self.start)
        self._jd_stop = julian_date(self.stop)
        self._iso_start = _iso(self.start)
        self._iso_stop = _iso(self.stop)

    def __len__(self):
        return self.ndays

    def day(self, index):
        """Return the UTC date of granule ``index``."""
        return self.first + dt.timedelta(days=index)

    def variable(self, index):
        """Return the values of VARIABLE_COLUMNS for granule ``index`` (a tuple)."""
        return next(self.variables(index, index + 1))

    def stored(self, start=0, stop=None):
        """Return an iterator over the GRANULE_COLUMNS tuples of granules ``start`` to ``stop`` - 1."""
        stop = self.ndays if stop is None else min(stop, self.ndays)
        last = self.ndays - 1
        files, hapi, est, gid = self.files, self._hapi, self.estsize_kb, self.dataset_id
        uid_head = gid + "_"
        one = dt.timedelta(days=1)
        day = self.first + dt.timedelta(days=start)
        iso = day.isoformat()
        ordinal = day.toordinal()
        for index in range(start, stop):
            # The last day a date can hold (9999-12-31) has no following day; it is always the last granule.
            following = day + one if day < dt.date.max else day
            next_iso = following.isoformat()
            uid = uid_head + iso[0:4] + iso[5:7] + iso[8:10]
            tmin = self._jd_start if index == 0 else ordinal + _JD_ORDINAL0
            tmax = self._jd_stop if index == last else ordinal + 1 + _JD_ORDINAL0
            path = files.get(day) if files else None
            if path is None:
                lo = self._iso_start if index == 0 else iso + "T00:00:00Z"
                hi = self._iso_stop if index == last else next_iso + "T00:00:00Z"
                yield (uid, gid, tmin, tmax, hapi + "&time.min=" + lo + "&time.max=" + hi,
                       CSV_MIME, est, None)
            else:
                size = os.path.getsize(path)
                yield (uid, gid, tmin, tmax, links.product_url(self.accref(path), self.server_url),
                       CDF_MIME, max(1, math.ceil(size / 1024)), os.path.basename(path))
            day, iso, ordinal = following, next_iso, ordinal + 1

    def variables(self, start=0, stop=None):
        """Return an iterator over the VARIABLE_COLUMNS tuples of granules ``start`` to ``stop`` - 1.

        obs_id, datalink_url and thumbnail_url are completed from the
        granule_uid as the epn_core view completes them from DATASET_EXTRAS.
        """
        extras = self.extras()
        obs_prefix, cut = extras["obs_prefix"], len(self.dataset_id)
        dl_head, dl_tail = extras["datalink_head"], extras["datalink_tail"]
        th_head, th_tail = extras["thumbnail_head"], extras["thumbnail_tail"]
        for uid, _, tmin, tmax, url, fmt, est, name in self.stored(start, stop):
            yield (uid, obs_prefix + uid[cut:], tmin, tmax, url, fmt, est, name,
                   dl_head + uid + dl_tail, None if name is None else th_head + uid + th_tail)

    def extras(self):
        """Return the DATASET_EXTRAS values of the dataset but its summary (a dict)."""
        return {"is_public": self.public, "obs_prefix": self.obs_prefix,
                "datalink_head": self._datalink[0], "datalink_tail": self._datalink[1],
                "thumbnail_head": self._thumbnail[0], "thumbnail_tail": self._thumbnail[1]}

    def dataset_row(self):
        """Return the row of the dataset in the datasets table (a dict over DATASET_COLUMNS)."""
        row = {c: self.constants.get(c) for c in DATASET_COLUMNS}
        row.update(self.extras())
        row.update(self.summary())
        return row

    def summary(self):
        """Return the DATASET_SUMMARY values of the dataset (a dict): its granule count,
        the time_min of its first granule and the time_max of its last (None without
        granules), the values its granules rows hold."""
        return {"granule_count": self.ndays,
                "first_time_min": self._jd_start if self.ndays else None,
                "last_time_max": self._jd_stop if self.ndays else None}

    def accref(self, path):
        """Return the DaCHS accref of a local file: its path below the inputs directory."""
        return f"{SERVICE}/data/cdf/{os.path.relpath(path, self.data_dir)}"

    def granule(self, index):
        """Return the granule dict of day number ``index`` (epn_core columns and DaCHS product keys)."""
        row = dict(self.constants)
        row.update(zip(VARIABLE_COLUMNS, self.variable(index)))
        self._add_product_keys(row, self.day(index))
        return row

    def _add_product_keys(self, row, day):
        """Add the keys DaCHS's products table is filled from (see PRODUCT_KEYS) to a granule dict."""
        path = self.files.get(day)
        if path is not None:
            row.update(prodtblAccref=self.accref(path), prodtblPath=path,
                       prodtblFsize=os.path.getsize(path), prodtblMime=CDF_MIME)
        else:
            row.update(prodtblAccref=row["access_url"], prodtblPath=None,
                       prodtblFsize=None, prodtblMime=CSV_MIME)
        row["prodtblPreview"] = row["thumbnail_url"]

    def rows(self):
        """Return an iterator over the granule dicts, day by day."""
        for index, values in enumerate(self.variables()):
            row = dict(self.constants)
            row.update(zip(VARIABLE_COLUMNS, values))
            self._add_product_keys(row, self.day(index))
            yield row


def day_count(start, stop):
    """Return (first UTC date, number of days) of the span [start, stop].

    A span ending exactly at midnight has no granule on its last date.
    """
    first, last = start.date(), stop.date()
    if (stop.hour, stop.minute, stop.second, stop.microsecond) == (0, 0, 0, 0) and last > first:
        last -= dt.timedelta(days=1)
    return first, (last - first).days + 1


def map_dataset(catalog, dataset, *, now, settings, archive, data_dir=None):
    """Return the :class:`Dataset` of one NumericalData record.

    Raises :class:`Skip` with the reason when the record cannot give granules.
    """
    if dataset.time_span is None:
        raise Skip("granule_uid, time_min, time_max cannot be filled: no TimeSpan in "
                   "TemporalDescription to cut into days")
    start = dataset.time_span.start
    stop = dataset.time_span.stop_at(now)
    if stop < start:
        raise Skip(f"granule_uid, time_min, time_max cannot be filled: TimeSpan stops "
                   f"({stop:%Y-%m-%dT%H:%M:%SZ}) before it starts ({start:%Y-%m-%dT%H:%M:%SZ})")
    dataset_id = dataset.local_id
    if not _SAFE_ID.fullmatch(dataset_id):
        raise Skip(f"granule_uid cannot be filled: dataset id {dataset_id!r} has characters "
                   "not allowed in a granule_uid")
    warnings = []
    hapi = dataset.access_urls("HAPI")
    hapi_id = hapi_dataset_id(dataset)
    if hapi_id != dataset_id:
        warnings.append(f"access_url: the HAPI ProductKey {hapi_id} differs from the "
                        f"ResourceID's last segment {dataset_id}; HAPI links use the ProductKey")
    instruments = catalog.instruments(dataset)
    if not dataset.instrument_ids:
        warnings.append("instrument_name, instrument_type, instrument_host_name empty: no InstrumentID")
    elif not instruments:
        warnings.append(f"instrument_name, instrument_type, instrument_host_name empty: "
                        f"InstrumentID {dataset.instrument_ids[0]} matches no Instrument record")
    observatories = [o for i in instruments for o in catalog.observatories(i)]
    if instruments and not observatories:
        warnings.append(f"instrument_host_name empty: Instrument {instruments[0].resource_id} "
                        "points to no known Observatory record")
    groups = [g for o in observatories for g in catalog.groups(o)]

    context = " ".join([dataset.header.name or ""] + [o.header.name or "" for o in observatories + groups])
    regions = list(dataset.observed_regions)
    if not regions:
        regions = [r for o in observatories for r in o.regions] or [r for g in groups for r in g.regions]
    targets = [t for t in (target_of_region(r, context, start, stop) for r in regions) if t]
    if not regions:
        warnings.append("target_name, target_class, target_region empty: no ObservedRegion "
                        "in the record nor ObservatoryRegion in its observatory")
    elif not targets:
        warnings.append(f"target_name, target_class, target_region empty: region "
                        f"{regions[0]} names no target")

    level, level_desc = processing_level(dataset, instruments)
    if level is None:
        warnings.append("processing_level, processing_level_desc empty: no ProcessingLevel, "
                        "and the record tells no level otherwise (no physical Units, not a model or ephemeris)")

    display = {d for p in dataset.parameters for d in p.display_types}
    product_types = ["ts"] if display - {"Spectrogram"} or not display else []
    if "Spectrogram" in display:
        product_types.insert(0, "ds")

    cadences = [c for c in (dataset.cadence_min, dataset.cadence, dataset.cadence_max) if c]
    step_min = min(_seconds(c) for c in cadences) if cadences else None
    step_max = max(_seconds(c) for c in cadences) if cadences else None

    freqs = [p.frequency_range for p in dataset.parameters if p.frequency_range]
    spectral_min = spectral_max = None
    scale = {"Hz": 1, "kHz": 1e3, "MHz": 1e6, "GHz": 1e9, "mHz": 1e-3}
    usable = [(lo * scale[u], hi * scale[u]) for lo, hi, u in freqs
              if lo is not None and hi is not None and u in scale]
    if usable:
        spectral_min = min(lo for lo, _ in usable)
        spectral_max = max(hi for _, hi in usable)

    release = dataset.header.release_date
    if release is None:
        warnings.append("creation_date, modification_date, release_date empty: no ReleaseDate")
    if not cadences:
        warnings.append("time_sampling_step_min, time_sampling_step_max empty: no Cadence")
    doi = dataset.header.doi
    settings_server = settings["CDPP_SERVER_URL"].rstrip("/")
    constants = dict.fromkeys(COLUMNS)
    constants.update({
        "granule_gid": dataset_id,
        "dataproduct_type": "#".join(product_types),
        "target_name": _join(t[0] for t in targets),
        "target_class": _join(t[1] for t in targets),
        "target_region": _join(t[2] for t in targets),
        "time_sampling_step_min": step_min,
        "time_sampling_step_max": step_max,
        "spectral_range_min": spectral_min,
        "spectral_range_max": spectral_max,
        "spatial_frame_type": "none",
        "instrument_host_name": _join(o.header.name for o in observatories),
        "instrument_name": _join(i.header.name for i in instruments),
        "instrument_type": _join(t for i in instruments for t in i.instrument_types),
        "measurement_type": measurement_ucds(dataset),
        "processing_level": level,
        "processing_level_desc": level_desc,
        "creation_date": _naive(release),
        "modification_date": _naive(release),
        "release_date": _naive(release),
        "service_title": SERVICE,
        "publisher": settings["CDPP_PUBLISHER"],
        "bib_reference": f"doi:{doi}" if doi and not doi.startswith(("doi:", "http")) else doi,
        "external_link": landing_page(dataset.resource_id, settings["CDPP_SPASE_LANDING_URL"]),
        "time_scale": "UTC",
        "spatial_coordinate_description": _join(
            p.coordinate_system.name for p in dataset.parameters
            if p.coordinate_system and p.coordinate_system.name),
        "species": _join(t for p in dataset.parameters for t in p.particle_types),
    })
    if constants["measurement_type"] is None:
        warnings.append("measurement_type empty: no Parameter or MeasurementType gives a UCD")
    if instruments:
        instrument_path = instruments[0].resource_id.split("/Instrument/", 1)[-1]
        obs_prefix = instrument_path.split("/", 1)[-1].replace("/", "-")
    else:
        obs_prefix = dataset_id
    rows_per_day = 86400.0 / step_min if step_min else None
    values = _values_per_record(dataset)
    # An estimate of one day of HAPI CSV: records per day x (time stamp + values).
    estsize = (max(1, math.ceil(rows_per_day * (25 + 12 * values) / 1024))
               if rows_per_day and values else None)
    first, ndays = day_count(start, stop)
    return Dataset(
        dataset_id=dataset_id,
        resource_id=dataset.resource_id,
        path=dataset.path,
        public=dataset.is_open,
        access_rights="/".join(sorted(dataset.access_rights)) or "unknown",
        constants=constants,
        first=first,
        ndays=ndays,
        files=archive.get(dataset_id, {}),
        obs_prefix=obs_prefix,
        hapi_url=(hapi[0].url if hapi else settings["CDPP_HAPI_URL"]),
        hapi_id=hapi_id,
        estsize_kb=estsize,
        server_url=settings_server,
        authority=settings["CDPP_AUTHORITY"],
        data_dir=data_dir,
        start=start,
        stop=stop,
        warnings=warnings,
    )


def _naive(value):
    return value.astimezone(UTC).replace(tzinfo=None) if value is not None else None


# --- the whole tree ------------------------------------------------------------


def map_catalog(catalog, data_dir=None, on_skip=None, *, now=None, settings=None,
                on_warning=None):
    """Return an iterator over the :class:`Dataset` of every NumericalData record.

    Records that cannot be mapped, and files of ``catalog.errors``, are passed
    to ``on_skip(name, reason)``; each column a mapped record leaves empty for
    want of an element is passed to ``on_warning(dataset id, message)``.  ``now`` (aware datetime, default: the
    current time) resolves RelativeStopDate; ``settings`` defaults to
    :func:`instance.settings.load`.
    """
    now = now or dt.datetime.now(UTC)
    settings = {**settings_module.load(), **(settings or {})}
    skip = on_skip or (lambda name, reason: None)
    for err in catalog.errors:
        skip(err.path, f"line {err.line}: {err.reason}" if err.line else err.reason)
    archive = cdf_archive.index(data_dir, skip) if data_dir else {}
    for record in catalog.numerical_data:
        try:
            ds = map_dataset(catalog, record, now=now, settings=settings, archive=archive,
                             data_dir=data_dir)
        except Skip as exc:
            skip(record.local_id, str(exc))
            continue
        for message in ds.warnings if on_warning else ():
            on_warning(ds.dataset_id, message)
        yield ds


def granules(spase_dir, data_dir=None, on_skip=None, *, now=None, settings=None,
             restricted=False, on_warning=None):
    """Return an iterator over the public granules (epn_core dicts) of a SPASE tree.

    ``spase_dir`` is read with :meth:`spase.Catalog.load`; ``data_dir`` is the
    local CDF archive (``<data_dir>/<dataset id>/*.cdf``), granules of days
    with a file point at that file.  ``on_skip(name, reason)`` is called for
    every file or record left out, including the datasets whose AccessRights
    is not Open (those are yielded instead when ``restricted`` is True);
    ``on_warning`` as in :func:`map_catalog`.
    """
    catalog = Catalog.load(os.fspath(spase_dir))
    skip = on_skip or (lambda name, reason: None)
    for ds in map_catalog(catalog, os.fspath(data_dir) if data_dir else None, skip,
                          now=now, settings=settings, on_warning=on_warning):
        if ds.public == restricted:
            if not restricted:
                skip(ds.dataset_id, f"AccessRights {ds.access_rights}: not public, "
                     "kept in the restricted table")
            continue
        yield from ds.rows()
