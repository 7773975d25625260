"""The illu67p product files: one FITS map and one PNG preview per epoch.

``67p_illum_<YYYYMMDDTHHMMSS>.fits`` holds a single image HDU, 16-bit
integers, NAXIS1 longitudes by NAXIS2 latitudes (cell centres given by the
linear axes CRVAL/CDELT/CRPIX, east longitude 0-360, planetocentric latitude),
of the incidence angle of the Sun on each facet of the shape model, in degrees
(BSCALE 0.01); facets not lit by the Sun (night side or cast shadow) hold the
BLANK value.  The header carries the metadata of the granule (see
``HEADER_CARDS``).  ``67p_illum_<...>.png`` beside it is the preview.
"""

import io
import os
from dataclasses import dataclass

import numpy as np
from astropy.io import fits
from astropy.time import Time

from ingest.illu67p import ephemeris

PREFIX = "67p_illum_"
BLANK = -32768
INCIDENCE_SCALE = 0.01

#: Header cards every product carries: keyword -> (type, comment).
HEADER_CARDS = {
    "OBJECT": (str, "target of the map"),
    "DATE-OBS": (str, "epoch of the map, ISO 8601, UTC"),
    "SUBSOLON": (float, "[deg] sub-solar east longitude"),
    "SUBSOLAT": (float, "[deg] sub-solar latitude"),
    "SUNDIST": (float, "[au] heliocentric distance of the comet"),
    "ROTANGLE": (float, "[deg] rotation angle W of the prime meridian"),
    "DAYFRAC": (float, "area fraction of the surface facing the Sun"),
    "LITFRAC": (float, "area fraction lit (day side, not shadowed)"),
    "SHAPEMOD": (str, "shape model"),
    "MODEL": (str, "illumination model name and version"),
    "DATE": (str, "creation date of this file, ISO 8601, UTC"),
}

OBJECT_NAME = "67P/Churyumov-Gerasimenko"
SHAPE_MODEL = "67P two ellipsoids, Sierks 2015 lobes"
MODEL_NAME = "illu67p illumination 1.0"


def base_name(epoch):
    """Return the file stem of the product for an astropy Time epoch."""
    return PREFIX + epoch.utc.strftime("%Y%m%dT%H%M%S")


def write_map(path, epoch, grid, sun, illumination, created):
    """Write the FITS map of one epoch to path and return path.

    grid is a shape.FacetGrid, sun an ephemeris.SunGeometry, illumination an
    illumination.IlluminationMap, created the creation date (ISO string).
    """
    hdu = fits.PrimaryHDU(_encoded(np.where(illumination.lit, illumination.incidence_deg, np.nan)))
    header = hdu.header
    values = {
        "OBJECT": OBJECT_NAME,
        "DATE-OBS": epoch.utc.isot,
        "SUBSOLON": round(sun.subsolar_longitude, 4),
        "SUBSOLAT": round(sun.subsolar_latitude, 4),
        "SUNDIST": round(sun.sun_distance_au, 6),
        "ROTANGLE": round(ephemeris.rotation_angle_deg(epoch), 4),
        "DAYFRAC": round(illumination.day_fraction, 5),
        "LITFRAC": round(illumination.lit_fraction, 5),
        "SHAPEMOD": SHAPE_MODEL,
        "MODEL": MODEL_NAME,
        "DATE": created,
    }
    header["BSCALE"] = (INCIDENCE_SCALE, "physical = BSCALE * stored")
    header["BZERO"] = 0.0
    header["BLANK"] = (BLANK, "facet not lit (night side or cast shadow)")
    header["BUNIT"] = ("deg", "solar incidence angle on the facet")
    for axis, name, first in ((1, "LON", grid.lon[0, 0]),
                              (2, "LAT", grid.lat[0, 0])):
        header[f"CTYPE{axis}"] = name
        header[f"CUNIT{axis}"] = "deg"
        header[f"CRPIX{axis}"] = 1.0
        header[f"CRVAL{axis}"] = float(first)
        header[f"CDELT{axis}"] = float(grid.step_deg)
    for key, (_, comment) in HEADER_CARDS.items():
        header[key] = (values[key], comment)
    header["TIMESYS"] = ("UTC", "time scale of DATE-OBS")
    hdu.writeto(path, overwrite=True)
    return path


def _encoded(incidence_deg):
    """Return the stored 16-bit values of incidence angles (deg, NaN where
    unlit)."""
    scaled = np.round(np.nan_to_num(incidence_deg, nan=0.0) / INCIDENCE_SCALE)
    return np.where(np.isfinite(incidence_deg), scaled, BLANK).astype(np.int16)


def write_preview(path, illumination):
    """Write the PNG preview of an illumination.IlluminationMap to path
    (cosine of the incidence angle, black where unlit, north up) and return
    path."""
    import matplotlib
    from PIL import Image
    matplotlib.use("Agg")
    cos_i = np.cos(np.radians(illumination.incidence_deg))
    values = np.where(illumination.lit, cos_i, 0.0)
    rgba = matplotlib.colormaps["inferno"](values, bytes=True)
    image = Image.fromarray(rgba[::-1, :, :3]).resize(
        (values.shape[1] * 4, values.shape[0] * 4), Image.NEAREST)
    image.quantize(colors=32).save(path, optimize=True)
    return path


def preview_path(fits_path):
    """Return the path of the PNG preview that goes with a FITS map."""
    return os.path.splitext(fits_path)[0] + ".png"


@dataclass(frozen=True)
class MapProduct:
    """What a FITS map says about its granule: header values keyed as in
    HEADER_CARDS, the epoch (astropy Time), the cell-centre axes and the
    map (incidence angle in degrees, NaN where unlit)."""

    header: dict
    epoch: Time
    lon: np.ndarray
    lat: np.ndarray
    incidence_deg: np.ndarray


class ProductError(ValueError):
    """A product file that cannot be turned into a granule."""


def read_map(path):
    """Return the MapProduct of the FITS file at path; raise ProductError
    saying what is wrong with a broken one."""
    try:
        with fits.open(path, memmap=False) as hdus:
            header = hdus[0].header
            data = hdus[0].data
            values = {}
            for key, (kind, _) in HEADER_CARDS.items():
                if key not in header:
                    raise ProductError(f"header card {key} missing")
                try:
                    values[key] = kind(header[key])
                except (TypeError, ValueError):
                    raise ProductError(
                        f"header card {key}={header[key]!r} is not a {kind.__name__}")
            axes = []
            for axis in (1, 2):
                try:
                    n = int(header[f"NAXIS{axis}"])
                    start = float(header[f"CRVAL{axis}"])
                    step = float(header[f"CDELT{axis}"])
                    ref = float(header.get(f"CRPIX{axis}", 1.0))
                except (KeyError, TypeError, ValueError):
                    raise ProductError(f"axis {axis} is not described (NAXIS/CRVAL/CDELT)")
                axes.append(start + (np.arange(n) + 1 - ref) * step)
            if data is None or data.shape != (len(axes[1]), len(axes[0])):
                raise ProductError("the image has no data or not the shape NAXIS says")
            incidence = np.array(data, dtype=float)
    except OSError as exc:
        raise ProductError(f"not a readable FITS file ({exc})")
    try:
        epoch = Time(values["DATE-OBS"], scale="utc")
    except ValueError:
        raise ProductError(f"DATE-OBS={values['DATE-OBS']!r} is not an ISO date")
    _check_range(values, "SUBSOLON", 0.0, 360.0)
    _check_range(values, "SUBSOLAT", -90.0, 90.0)
    _check_range(values, "SUNDIST", 0.0, 100.0)
    _check_range(values, "DAYFRAC", 0.0, 1.0)
    _check_range(values, "LITFRAC", 0.0, values["DAYFRAC"])
    lon, lat = axes
    if lon.min() < 0 or lon.max() > 360 or lat.min() < -90 or lat.max() > 90:
        raise ProductError("the longitude/latitude axes leave 0..360 / -90..90")
    return MapProduct(values, epoch, lon, lat, incidence)


def _check_range(values, key, low, high):
    """Raise ProductError unless low <= values[key] <= high."""
    if not low <= values[key] <= high:
        raise ProductError(f"{key}={values[key]} is outside {low}..{high}")



def cutout(path, lon_min, lon_max, lat_min, lat_max):
    """Return the FITS bytes of the part of the map at path whose cell
    centres lie within lon_min..lon_max (degrees east, 0-360; the range wraps
    through 0 when lon_min > lon_max, and the cut-out's longitude axis then
    runs on past 360) and lat_min..lat_max.  Raise ProductError for a broken
    product, ValueError for a range that is out of bounds or holds no cell."""
    record = read_map(path)
    if not (0.0 <= lon_min <= 360.0 and 0.0 <= lon_max <= 360.0):
        raise ValueError(f"longitude range {lon_min}..{lon_max} is not within 0..360")
    if not -90.0 <= lat_min <= lat_max <= 90.0:
        raise ValueError(f"latitude range {lat_min}..{lat_max} is not within -90..90")
    lon = np.mod(record.lon, 360.0)
    if lon_min <= lon_max:
        columns = np.nonzero((lon >= lon_min) & (lon <= lon_max))[0]
    else:
        columns = np.concatenate([np.nonzero(lon >= lon_min)[0], np.nonzero(lon <= lon_max)[0]])
    rows = np.nonzero((record.lat >= lat_min) & (record.lat <= lat_max))[0]
    if not len(columns) or not len(rows):
        raise ValueError("no cell of the map lies in the requested range")
    hdu = fits.PrimaryHDU(_encoded(record.incidence_deg[np.ix_(rows, columns)]))
    header = hdu.header
    for card in fits.getheader(path).cards:
        if card.keyword not in header and card.keyword not in ("", "COMMENT", "HISTORY"):
            header[card.keyword] = (card.value, card.comment)
    header["CRPIX1"] = 1.0
    header["CRVAL1"] = float(lon[columns[0]])
    header["CRPIX2"] = 1.0
    header["CRVAL2"] = float(record.lat[rows[0]])
    header["HISTORY"] = (f"cut out of {os.path.basename(str(path))}: lon {lon_min:g}..{lon_max:g},"
                         f" lat {lat_min:g}..{lat_max:g}")
    buffer = io.BytesIO()
    hdu.writeto(buffer)
    return buffer.getvalue()
