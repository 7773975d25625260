"""The EPN-TAP 2.0 granule of a transplanet product (one model run)."""

import datetime as dt
import os

from ingest import links
from instance import settings
from ingest.transplanet import planets, product

SERVICE = "transplanet"
SERVICE_TITLE = "transplanet"
VOTABLE_MIME = "application/x-votable+xml"
#: UCDs of what the profiles hold.
MEASUREMENT_TYPE = ("phys.density;phys.electron#phys.density;phys.atmol.ionStage#"
                    "phys.temperature;phys.electron#phys.temperature;phys.atmol.ionStage#"
                    "phys.veloc;phys.atmol.ionStage")


def granule_from(path):
    """Return the granule dict (epn_core column names, plus the prodtbl*
    keys of DaCHS's products table) of the VOTable at path; raise
    product.ProductError for a broken product."""
    path = str(path)
    record = product.read_profile(path)
    params = record.params
    preview = product.preview_path(path)
    if not os.path.isfile(preview):
        raise product.ProductError(f"preview {os.path.basename(preview)} missing")
    planet = planets.PLANETS.get(params["planet"])
    if planet is None:
        raise product.ProductError(f"planet {params['planet']!r} is none of "
                                   f"{', '.join(planets.PLANETS)}")
    try:
        created = dt.datetime.fromisoformat(params["created"])
    except ValueError:
        raise product.ProductError(f"created={params['created']!r} is not an ISO date")
    altitude = record.columns["altitude"]
    ions = [name[2:] for name in record.columns if name.startswith("n_") and name != "n_e"]
    name = os.path.basename(path)
    uid = product.run_id(planet.name, record.epoch, params["latitude"], params["local_time"],
                         params["f107"])
    if params["run_id"] != uid:
        raise product.ProductError(f"run_id {params['run_id']} does not match the run's"
                                   f" planet, epoch, latitude, local time and F10.7 ({uid})")
    expected = product.base_name(planet.name, record.epoch, params["latitude"],
                                 params["local_time"], params["f107"]) + ".xml"
    if name != expected:
        raise product.ProductError(f"file name does not match the run (expected {expected})")
    jd = float(record.epoch.utc.jd)
    step = round(float(abs(altitude[1] - altitude[0])), 3)
    values = settings.load()
    row = {
        "granule_uid": uid,
        "granule_gid": f"{SERVICE}-{planet.name.lower()}",
        "obs_id": f"{planet.name.lower()}-{record.epoch.utc.strftime('%Y%m%dT%H%M')}",
        "dataproduct_type": "pr",
        "target_name": planet.name,
        "target_class": planet.target_class,
        "target_region": "ionosphere",
        "time_min": jd,
        "time_max": jd,
        "time_scale": "UTC",
        "c1min": None,
        "c1max": None,
        "c2min": params["latitude"],
        "c2max": params["latitude"],
        "c3min": float(altitude.min()),
        "c3max": float(altitude.max()),
        "c3_resol_min": step,
        "c3_resol_max": step,
        "spatial_frame_type": "body",
        "incidence_min": params["solar_zenith_angle"],
        "incidence_max": params["solar_zenith_angle"],
        "local_time_min": params["local_time"],
        "local_time_max": params["local_time"],
        "subsolar_latitude_min": params["subsolar_latitude"],
        "subsolar_latitude_max": params["subsolar_latitude"],
        "sun_distance_min": params["sun_distance"],
        "sun_distance_max": params["sun_distance"],
        "species": "#".join(["e-"] + ions),
        "f107": params["f107"],
        "model_name": params["model_name"],
        "model_version": params["model_version"],
        "instrument_host_name": params["model_name"],
        "instrument_name": f"{params['model_name']} {params['model_version']}",
        "measurement_type": MEASUREMENT_TYPE,
        "processing_level": 5,
        "creation_date": created,
        "modification_date": created,
        "release_date": created,
        "service_title": SERVICE_TITLE,
        "publisher": values["CDPP_PUBLISHER"],
    }
    row.update(links.product_links(SERVICE, uid, path, VOTABLE_MIME, values))
    return row
