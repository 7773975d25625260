"""The transplanet product files: one VOTable and one PNG preview per run.

``transplanet_<planet>_<YYYYMMDDTHHMM>_lat<LL[ns]>_lt<HH.H>_f<FFF>.xml`` is a
VOTable (BINARY2 serialization) with one TABLE, one row per altitude of the
profile: ``altitude`` (km), ``n_e`` and ``n_<ion>`` (cm^-3), ``T_n``, ``T_e``,
``T_i`` (K) and ``u_<ion>`` (field-aligned velocity, km/s, positive upward,
NaN where the ion is a trace).  The run's metadata travel as PARAMs of the
TABLE (see ``PARAMS``); ``<same stem>.png`` beside it is the preview.
"""

import io
import math
import os
from dataclasses import dataclass

import numpy as np
from astropy.io.votable import parse, tree
from astropy.time import Time

PREFIX = "transplanet_"
MODEL_NAME = "Transplanet"
MODEL_VERSION = "1.0"
MODEL_DESCRIPTION = ("steady-state photochemistry + diffusion approximation of "
                     "the Transplanet ionosphere model (IRAP)")

#: PARAMs every product carries: name -> (datatype, unit, ucd, description).
PARAMS = {
    "run_id": ("char", None, "meta.id", "identifier of the run"),
    "planet": ("char", None, "meta.id;src", "planet of the run"),
    "epoch": ("char", None, "time.epoch", "simulated epoch, ISO 8601 UTC"),
    "latitude": ("double", "deg", "pos.bodyrc.lat", "latitude of the field line foot"),
    "local_time": ("double", "h", "time.phase", "local solar time"),
    "f107": ("double", "1e-22W/(m2.Hz)", "phot.flux.density;em.radio",
             "solar 10.7 cm flux index F10.7 (sfu)"),
    "solar_zenith_angle": ("double", "deg", "pos.incidenceAng", "solar zenith angle"),
    "subsolar_latitude": ("double", "deg", "pos.bodyrc.lat", "sub-solar latitude"),
    "sun_distance": ("double", "AU", "pos.distance;pos.heliocentric",
                     "heliocentric distance of the planet"),
    "exospheric_temperature": ("double", "K", "phys.temperature",
                               "neutral exospheric temperature"),
    "transition_altitude": ("double", "km", "pos.bodyrc.alt",
                            "altitude of the transition from photochemical to "
                            "diffusive equilibrium"),
    "model_name": ("char", None, "meta.id;meta.software", "model name"),
    "model_version": ("char", None, "meta.version;meta.software", "model version"),
    "created": ("char", None, "time.creation", "creation date of this file, ISO 8601 UTC"),
}


class ProductError(ValueError):
    """A product file that cannot be turned into a granule."""


def base_name(planet, epoch, latitude, local_time, f107):
    """Return the file stem of a run's product."""
    return PREFIX + run_id(planet, epoch, latitude, local_time, f107).replace("-", "_")


def run_id(planet_name, epoch, latitude, local_time, f107):
    """Return the identifier (and granule_uid) of a run."""
    return (f"{planet_name.lower()}-{epoch.utc.strftime('%Y%m%dT%H%M')}"
            f"-lat{latitude_label(latitude)}-lt{local_time:04.1f}-f{f107:03.0f}")


def latitude_label(latitude):
    """Return a latitude as in file names and identifiers: 00, 30n, 60s..."""
    hemisphere = "" if round(latitude) == 0 else ("n" if latitude > 0 else "s")
    return f"{abs(latitude):02.0f}{hemisphere}"


def write_profile(path, metadata, profile):
    """Write the VOTable of a run to path and return path.

    metadata holds the values of PARAMS; profile is an
    ionosphere.Profile."""
    votable = tree.VOTableFile(version="1.4")
    resource = tree.Resource()
    votable.resources.append(resource)
    table = tree.Table(votable, name="profile")
    resource.tables.append(table)
    table.description = (f"{MODEL_NAME} {MODEL_VERSION} run {metadata['run_id']}: "
                         f"{MODEL_DESCRIPTION}")
    for name, (datatype, unit, ucd, description) in PARAMS.items():
        value = metadata[name]
        kwargs = {"arraysize": "*"} if datatype == "char" else {}
        param = tree.Param(votable, name=name, datatype=datatype, unit=unit, ucd=ucd,
                           value=str(value) if datatype == "char" else value, **kwargs)
        param.description = description
        table.params.append(param)
    columns = _columns(profile)
    for name, unit, ucd, description, _ in columns:
        field = tree.Field(votable, name=name, datatype="float", unit=unit, ucd=ucd)
        field.description = description
        table.fields.append(field)
    table.create_arrays(len(profile.altitude_km))
    for name, _, _, _, values in columns:
        table.array[name] = np.asarray(values, dtype=np.float32)
    votable.to_xml(path, tabledata_format="binary2")
    return path


def _columns(profile):
    """Return (name, unit, ucd, description, values) of the table columns."""
    columns = [
        ("altitude", "km", "pos.bodyrc.alt", "altitude above the reference surface",
         profile.altitude_km),
        ("n_e", "cm-3", "phys.density;phys.electron", "electron density",
         profile.electron_density),
    ]
    for ion, values in profile.ion_density.items():
        columns.append((f"n_{ion}", "cm-3", "phys.density;phys.atmol.ionStage",
                        f"{ion} density", values))
    columns += [
        ("T_n", "K", "phys.temperature;phys.atmol", "neutral temperature",
         profile.neutral_temperature),
        ("T_e", "K", "phys.temperature;phys.electron", "electron temperature",
         profile.electron_temperature),
        ("T_i", "K", "phys.temperature;phys.atmol.ionStage", "ion temperature",
         profile.ion_temperature),
    ]
    for ion, values in profile.ion_velocity.items():
        columns.append((f"u_{ion}", "km/s", "phys.veloc;phys.atmol.ionStage",
                        f"{ion} field-aligned velocity, positive upward", values))
    return columns


def write_preview(path, metadata, profile):
    """Write the PNG preview of a run (densities and temperatures against
    altitude) to path and return path."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from PIL import Image
    figure = Figure(figsize=(4.0, 3.0), dpi=72)
    dens_ax, temp_ax = figure.subplots(1, 2, sharey=True)
    z = profile.altitude_km
    dens_ax.semilogx(profile.electron_density, z, "k-", lw=1.5, label="e-")
    for ion, values in profile.ion_density.items():
        dens_ax.semilogx(values, z, lw=1, label=ion)
    dens_ax.set_xlim(max(profile.electron_density.max() * 1e-4, 1e-2),
                     profile.electron_density.max() * 3)
    dens_ax.set_xlabel("density (cm$^{-3}$)", fontsize=7)
    dens_ax.set_ylabel("altitude (km)", fontsize=7)
    dens_ax.legend(fontsize=5, loc="upper right")
    temp_ax.plot(profile.neutral_temperature, z, lw=1, label="Tn")
    temp_ax.plot(profile.ion_temperature, z, lw=1, label="Ti")
    temp_ax.plot(profile.electron_temperature, z, lw=1, label="Te")
    temp_ax.set_xlabel("temperature (K)", fontsize=7)
    temp_ax.legend(fontsize=5, loc="lower right")
    for ax in (dens_ax, temp_ax):
        ax.tick_params(labelsize=6)
    figure.suptitle(f"{metadata['planet']} {metadata['epoch'][:16]} lat {metadata['latitude']:.0f}"
                    f" LT {metadata['local_time']:.1f} F10.7 {metadata['f107']:.0f}", fontsize=7)
    figure.subplots_adjust(left=0.15, right=0.97, bottom=0.15, top=0.9, wspace=0.1)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    buffer.seek(0)
    Image.open(buffer).convert("RGB").quantize(colors=16).save(path, optimize=True)
    return path


@dataclass(frozen=True)
class RunProduct:
    """What a VOTable product says about its run: PARAM values by name, the
    epoch (astropy Time) and the table columns (numpy arrays by name)."""

    params: dict
    epoch: Time
    columns: dict


def read_profile(path):
    """Return the RunProduct of the VOTable at path; raise ProductError
    saying what is wrong with a broken one."""
    try:
        votable = parse(path, verify="ignore")
        table = votable.get_first_table()
    except Exception as exc:  # astropy raises many kinds on bad XML/VOTable
        raise ProductError(f"not a readable VOTable ({exc.__class__.__name__}: {exc})")
    params = {}
    for param in table.params:
        params[param.name] = param.value
    for name, (datatype, _, _, _) in PARAMS.items():
        if name not in params:
            raise ProductError(f"PARAM {name} missing")
        value = params[name]
        if datatype == "char":
            params[name] = value.decode() if isinstance(value, bytes) else str(value)
        else:
            try:
                params[name] = float(value)
            except (TypeError, ValueError):
                raise ProductError(f"PARAM {name}={value!r} is not a number")
            if not math.isfinite(params[name]):
                raise ProductError(f"PARAM {name} is not finite")
    try:
        epoch = Time(params["epoch"], scale="utc")
    except ValueError:
        raise ProductError(f"epoch={params['epoch']!r} is not an ISO date")
    columns = {field.name: np.asarray(table.array[field.name].filled(np.nan), dtype=float)
               for field in table.fields}
    for needed in ("altitude", "n_e"):
        if needed not in columns:
            raise ProductError(f"column {needed} missing")
    if len(columns["altitude"]) < 2:
        raise ProductError("the profile has fewer than two altitudes")
    if not np.all(np.isfinite(columns["altitude"])):
        raise ProductError("altitude column has missing values")
    if not -90.0 <= params["latitude"] <= 90.0:
        raise ProductError(f"latitude={params['latitude']} is outside -90..90")
    if not 0.0 <= params["local_time"] <= 24.0:
        raise ProductError(f"local_time={params['local_time']} is outside 0..24")
    return RunProduct(params, epoch, columns)


def preview_path(product_path):
    """Return the path of the PNG preview that goes with a product file."""
    return os.path.splitext(product_path)[0] + ".png"


def altitude_slice(path, altitude_min, altitude_max):
    """Return the VOTable bytes (same PARAMs and columns, BINARY2) of the
    rows of the product at path with altitude_min <= altitude <= altitude_max
    (km).  Raise ProductError for a broken product, ValueError for an empty
    range."""
    read_profile(path)
    if altitude_min > altitude_max:
        raise ValueError(f"altitude range {altitude_min}..{altitude_max} is empty")
    votable = parse(path, verify="ignore")
    table = votable.get_first_table()
    altitude = np.asarray(table.array["altitude"], dtype=float)
    keep = (altitude >= altitude_min) & (altitude <= altitude_max)
    if not keep.any():
        raise ValueError(f"no altitude of the profile lies in {altitude_min}..{altitude_max} km")
    table.array = table.array[keep]
    info = tree.Info(name="altitude_range", value=f"{altitude_min:g} {altitude_max:g}")
    info.content = f"rows of {os.path.basename(str(path))} with altitude in this range (km)"
    table.infos.append(info)
    buffer = io.BytesIO()
    votable.to_xml(buffer, tabledata_format="binary2")
    return buffer.getvalue()
