"""Conversions between user times, CDF epoch values and ISO 8601 text.

The three CDF time types are handled alike:

* ``CDF_EPOCH``: float milliseconds since 0000-01-01T00:00:00 (no leap seconds);
* ``CDF_EPOCH16``: complex (seconds since 0000-01-01, picoseconds);
* ``CDF_TIME_TT2000``: int64 nanoseconds since J2000 (TT, leap seconds counted).

Arrays are converted with vectorised numpy arithmetic (cdflib is used only for
the few values that anchor a conversion), so that a day of 16 samples/s
converts in milliseconds.
"""

import functools
import math
import re

import numpy as np
from astropy.time import Time
from cdflib.epochs import CDFepoch

from . import quiet
from .errors import BadParameter

EPOCH = "CDF_EPOCH"
EPOCH16 = "CDF_EPOCH16"
TT2000 = "CDF_TIME_TT2000"
EPOCH_TYPES = (EPOCH, EPOCH16, TT2000)

# Digits after the seconds' decimal point in the ISO text of each epoch type.
ISO_DIGITS = {EPOCH: 3, EPOCH16: 9, TT2000: 9}

_EPOCH_1970_MS = 62167219200000.0
_EPOCH16_1970_S = 62167219200.0
_TT2000_FILL = np.int64(-9223372036854775808)
_TT2000_PAD = np.int64(-9223372036854775807)
_THREE_DIGITS = np.array([list(b"%03d" % i) for i in range(1000)], dtype=np.uint8)
_ISO_RE = re.compile(
    r"^\s*(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?)?\s*(?:Z|\+00:?00)?\s*$"
)


def _quiet_erfa(function):
    """Return ``function`` run with ERFA's "dubious year" warnings (times after the last known leap second) off."""

    @functools.wraps(function)
    def without_erfa_warnings(*args, **kwargs):
        with quiet.ignored(message=r".*dubious year"):
            return function(*args, **kwargs)

    return without_erfa_warnings


@_quiet_erfa
def parse_time(value, name):
    """Return ``value`` as an astropy :class:`~astropy.time.Time` (UTC).

    ``value`` is an ISO 8601 string (date, or date and time, optionally
    ending in ``Z``), a :class:`~astropy.time.Time` or a :class:`datetime`.
    Raises :class:`BadParameter` naming ``name`` when it is not a valid time.
    """
    if isinstance(value, Time):
        return value.utc
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        if not _ISO_RE.match(value):
            raise BadParameter(name, f"{value!r} is not an ISO 8601 time (YYYY-MM-DDThh:mm:ss[.fff][Z])")
        text = value.strip().rstrip("Z").replace(" ", "T")
        if text.endswith("+00:00") or text.endswith("+0000"):
            text = text[: text.rindex("+")]
        try:
            return Time(text, format="isot" if "T" in text else "iso", scale="utc")
        except ValueError as exc:
            raise BadParameter(name, f"{value!r} is not a valid time: {exc}") from None
    try:
        return Time(value, scale="utc")
    except (ValueError, TypeError) as exc:
        raise BadParameter(name, f"{value!r} is not a valid time: {exc}") from None


@_quiet_erfa
def iso_text(time):
    """Return the ISO 8601 text (``YYYY-MM-DDThh:mm:ss.sss``, UTC) of an astropy :class:`Time`."""
    return time.utc.isot


#: The MJDs of 0001-01-01T00:00 and 9999-12-31T24:00 (UTC), the times ISO 8601 and CDF epochs hold.
MJD_RANGE = (-678575.0, 2973484.0)


@_quiet_erfa
def parse_mjd(value, name):
    """Return the MJD ``value`` (a number or its text, as in SODA's TIME) as a UTC :class:`Time`.

    Raises :class:`BadParameter` naming ``name`` when it is not a finite number
    within MJD_RANGE.
    """
    try:
        mjd = float(value)
    except (TypeError, ValueError):
        raise BadParameter(name, f"{value!r} is not a number (MJD)") from None
    if not math.isfinite(mjd):
        raise BadParameter(name, f"{value!r} is not a finite MJD")
    if not MJD_RANGE[0] <= mjd <= MJD_RANGE[1]:
        raise BadParameter(name, f"{value!r} is not an MJD of the years 1 to 9999")
    return Time(mjd, format="mjd", scale="utc")


@_quiet_erfa
def _components(time):
    """Return [year, month, day, hour, minute, second, ms, us, ns] of a UTC :class:`Time`."""
    t = Time(time, precision=9)
    text = t.utc.isot
    date, clock = text.split("T")
    year, month, day = (int(x) for x in date.split("-"))
    hms, _, frac = clock.partition(".")
    hour, minute, second = (int(x) for x in hms.split(":"))
    frac = (frac + "000000000")[:9]
    return [year, month, day, hour, minute, second, int(frac[0:3]), int(frac[3:6]), int(frac[6:9])]


def time_to_epoch(time, epoch_type):
    """Return the raw CDF value of ``epoch_type`` for the UTC :class:`Time` ``time``.

    The result is a float (CDF_EPOCH), a complex (CDF_EPOCH16) or an int
    (CDF_TIME_TT2000), comparable with the values of an epoch variable.
    """
    y, mo, d, h, mi, s, ms, us, ns = _components(time)
    if epoch_type == TT2000:
        return int(CDFepoch.compute_tt2000([y, mo, d, h, mi, s, ms, us, ns]))
    if epoch_type == EPOCH:
        return float(CDFepoch.compute_epoch([y, mo, d, h, mi, s, ms])) + us * 1e-3 + ns * 1e-6
    if epoch_type == EPOCH16:
        return complex(CDFepoch.compute_epoch16([y, mo, d, h, mi, s, ms, us, ns, 0]))
    raise ValueError(f"not a CDF epoch type: {epoch_type}")


def epoch_key(value, epoch_type):
    """Return a key ordering raw epoch values of ``epoch_type`` chronologically."""
    if epoch_type == EPOCH16:
        value = complex(value)
        return (value.real, value.imag)
    return value


def to_datetime64(raw, epoch_type):
    """Return the UTC ``datetime64[ns]`` array of the raw epoch values ``raw``.

    Fill and pad values become NaT.  TT2000 values are shifted by the leap
    seconds of their interval; an interval spanning a leap second falls back
    to cdflib's own conversion.
    """
    raw = np.asarray(raw)
    if epoch_type == EPOCH:
        raw = raw.astype(np.float64, copy=False)
        bad = ~np.isfinite(raw) | (raw <= 0)
        ns = np.rint((np.where(bad, _EPOCH_1970_MS, raw) - _EPOCH_1970_MS) * 1e6).astype(np.int64)
    elif epoch_type == EPOCH16:
        raw = raw.astype(np.complex128, copy=False)
        seconds, picos = raw.real, raw.imag
        bad = ~np.isfinite(seconds) | (seconds <= 0)
        seconds = np.where(bad, _EPOCH16_1970_S, seconds)
        ns = (seconds - _EPOCH16_1970_S).astype(np.int64) * 1_000_000_000 + (
            np.where(bad, 0, picos) // 1000
        ).astype(np.int64)
    elif epoch_type == TT2000:
        raw = raw.astype(np.int64, copy=False)
        bad = (raw == _TT2000_FILL) | (raw == _TT2000_PAD)
        ns = _tt2000_to_unix_ns(raw, bad)
    else:
        raise ValueError(f"not a CDF epoch type: {epoch_type}")
    out = ns.view("datetime64[ns]").copy() if ns.base is not None else ns.view("datetime64[ns]")
    out[bad] = np.datetime64("NaT")
    return out


def _tt2000_to_unix_ns(raw, bad):
    """Return int64 Unix nanoseconds (UTC) of TT2000 values; ``bad`` marks values to ignore."""
    good = raw[~bad]
    if good.size == 0:
        return np.zeros(raw.shape, np.int64)
    lo, hi = good.min(), good.max()
    anchors = CDFepoch.to_datetime(np.array([lo, hi], dtype=np.int64)).astype(np.int64)
    if anchors[1] - anchors[0] == hi - lo:
        return np.where(bad, 0, raw - lo + anchors[0])
    exact = CDFepoch.to_datetime(np.where(bad, lo, raw)).astype(np.int64)
    return exact.reshape(raw.shape)


def iso_bytes(times, digits):
    """Return ISO 8601 texts (``YYYY-MM-DDThh:mm:ss.fff…``) of ``datetime64[ns]`` values.

    ``digits`` (3, 6 or 9) is the number of decimals of the seconds (rounded).
    The result is a numpy ``S`` array of width ``20 + digits``; NaT gives an
    empty string.  Dates are formatted once per distinct second and the
    fractions with integer arithmetic, so that long arrays format quickly.
    """
    times = np.asarray(times, dtype="datetime64[ns]")
    n = times.shape[0]
    width = 20 + digits
    out = np.zeros((n, width), dtype=np.uint8)
    if n == 0:
        return out.view(f"S{width}").reshape(0)
    nat = np.isnat(times)
    ns = np.where(nat, 0, times.view(np.int64))
    if digits < 9:
        unit = 10 ** (9 - digits)
        ns = (ns + unit // 2) // unit * unit
    seconds = np.floor_divide(ns, 1_000_000_000)
    fraction = ns - seconds * 1_000_000_000
    change = np.empty(n, dtype=bool)
    change[0] = True
    np.not_equal(seconds[1:], seconds[:-1], out=change[1:])
    which = np.cumsum(change) - 1
    prefixes = np.datetime_as_string(seconds[change].astype("datetime64[s]"), unit="s").astype("S19")
    out[:, :19] = prefixes.view(np.uint8).reshape(-1, 19)[which]
    out[:, 19] = ord(".")
    for group in range(digits // 3):
        millis = (fraction // 10 ** (6 - 3 * group)) % 1000
        out[:, 20 + 3 * group : 23 + 3 * group] = _THREE_DIGITS[millis]
    out[nat] = 0
    return out.view(f"S{width}").reshape(n)
