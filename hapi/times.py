"""HAPI's restricted ISO 8601 times (``yyyy-mm-ddThh:mm:ss.sssZ`` or ``yyyy-dddThh:mm:ss.sssZ``, truncated or not).

:func:`parse` reads a request's start or stop into an astropy
:class:`~astropy.time.Time` through :func:`datalink.epochs.parse_time`, the
parser of DataLink's START and STOP.
"""

import datetime as dt
import re

from datalink import epochs
from datalink.errors import BadParameter

_HAPI_TIME = re.compile(
    r"(\d{4})(?:-(?:(\d{2})(?:-(\d{2}))?|(\d{3})))?"
    r"(?:T(\d{2})(?::(\d{2})(?::(\d{2})(\.\d+)?)?)?)?Z?")


def parse(text):
    """Return the UTC :class:`~astropy.time.Time` of a HAPI time, or None if it is not one.

    Missing elements take their smallest value (``2017-01-15T23Z`` is
    23:00:00); a day of year is turned into its month and day; ``24:00:00``
    is the next day's midnight.
    """
    match = _HAPI_TIME.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        return None
    year, month, day, doy, hour, minute, second, fraction = match.groups()
    try:
        if doy is not None:
            date = dt.date(int(year), 1, 1) + dt.timedelta(days=int(doy) - 1)
            if date.year != int(year) or int(doy) < 1:
                return None
        else:
            date = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    hour, minute, second = int(hour or 0), int(minute or 0), int(second or 0)
    if hour == 24 and minute == second == 0 and not (fraction or "").strip(".0"):
        date, hour, fraction = date + dt.timedelta(days=1), 0, None
    if hour > 23 or minute > 59 or second > 60:
        return None
    iso = f"{date.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}{fraction or ''}"
    try:
        return epochs.parse_time(iso, "time")
    except BadParameter:
        return None

