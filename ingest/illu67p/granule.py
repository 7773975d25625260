"""The EPN-TAP 2.0 granule of an illu67p product (one map at one epoch)."""

import datetime as dt
import os

import numpy as np

from ingest import links
from instance import settings
from ingest.illu67p import product

SERVICE = "illu67p"
SERVICE_TITLE = "illu67p"
GRANULE_GID = "illumination-maps"
FITS_MIME = "application/fits"
#: What stands for the instrument host of computed maps: the model.
MODEL_HOST = "illu67p model"
#: UCD of what the maps hold.
MEASUREMENT_TYPE = "pos.incidenceAng"
#: The lobe dimensions of the shape model (Sierks et al. 2015, Science).
BIB_REFERENCE = "doi:10.1126/science.aaa1044"


def granule_uid(epoch):
    """Return the granule_uid of the map of an astropy Time epoch."""
    return "67p-illumination-" + epoch.utc.strftime("%Y%m%dT%H%M%S")


def granule_from(fits_path):
    """Return the granule dict (epn_core column names, plus the prodtbl*
    keys of DaCHS's products table) of the FITS map at fits_path; raise
    product.ProductError for a broken product."""
    fits_path = str(fits_path)
    record = product.read_map(fits_path)
    preview = product.preview_path(fits_path)
    if not os.path.isfile(preview):
        raise product.ProductError(f"preview {os.path.basename(preview)} missing")
    header = record.header
    if header["OBJECT"] != product.OBJECT_NAME:
        raise product.ProductError(f"OBJECT={header['OBJECT']!r} is not {product.OBJECT_NAME}")
    try:
        created = dt.datetime.fromisoformat(header["DATE"])
    except ValueError:
        raise product.ProductError(f"DATE={header['DATE']!r} is not an ISO date")
    name = os.path.basename(fits_path)
    expected = product.base_name(record.epoch) + ".fits"
    if name != expected:
        raise product.ProductError(f"file name does not match DATE-OBS {header['DATE-OBS']}"
                                   f" (expected {expected})")
    uid = granule_uid(record.epoch)
    lit = record.incidence_deg[np.isfinite(record.incidence_deg)]
    lon_step = float(abs(record.lon[1] - record.lon[0])) if len(record.lon) > 1 else 360.0
    lat_step = float(abs(record.lat[1] - record.lat[0])) if len(record.lat) > 1 else 180.0
    jd = float(record.epoch.utc.jd)
    values = settings.load()
    row = {
        "granule_uid": uid,
        "granule_gid": GRANULE_GID,
        "obs_id": uid,
        "dataproduct_type": "ma",
        "target_name": product.OBJECT_NAME,
        "target_class": "comet",
        "time_min": jd,
        "time_max": jd,
        "time_scale": "UTC",
        "c1min": float(record.lon.min() - lon_step / 2),
        "c1max": float(record.lon.max() + lon_step / 2),
        "c2min": float(record.lat.min() - lat_step / 2),
        "c2max": float(record.lat.max() + lat_step / 2),
        "c3min": None,
        "c3max": None,
        "c1_resol_min": lon_step,
        "c1_resol_max": lon_step,
        "c2_resol_min": lat_step,
        "c2_resol_max": lat_step,
        "spatial_frame_type": "body",
        "incidence_min": round(float(lit.min()), 2) if lit.size else None,
        "incidence_max": round(float(lit.max()), 2) if lit.size else None,
        "subsolar_longitude_min": header["SUBSOLON"],
        "subsolar_longitude_max": header["SUBSOLON"],
        "subsolar_latitude_min": header["SUBSOLAT"],
        "subsolar_latitude_max": header["SUBSOLAT"],
        "sun_distance_min": header["SUNDIST"],
        "sun_distance_max": header["SUNDIST"],
        "illuminated_fraction": header["LITFRAC"],
        "dayside_fraction": header["DAYFRAC"],
        "instrument_host_name": MODEL_HOST,
        "instrument_name": header["MODEL"],
        "measurement_type": MEASUREMENT_TYPE,
        "processing_level": 5,
        "creation_date": created,
        "modification_date": created,
        "release_date": created,
        "service_title": SERVICE_TITLE,
        "publisher": values["CDPP_PUBLISHER"],
        "bib_reference": BIB_REFERENCE,
    }
    row.update(links.product_links(SERVICE, uid, fits_path, FITS_MIME, values))
    return row
