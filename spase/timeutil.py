"""SPASE times: ISO 8601 date-times and durations.

SPASE writes date-times as ISO 8601 in UTC (``2015-09-01T12:11:14Z``, sometimes
without the ``Z``) and durations as ISO 8601 durations (``PT0.0625S``, ``P1D``,
``-P1D`` for a RelativeStopDate).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

UTC = dt.timezone.utc

_DURATION = re.compile(
    r"^(?P<sign>[-+])?P(?!$)"
    r"(?:(?P<years>\d+(?:\.\d+)?)Y)?"
    r"(?:(?P<months>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<weeks>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?=\d)"
    r"(?:(?P<hours>\d+(?:\.\d+)?)H)?"
    r"(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


@dataclass(frozen=True)
class Duration:
    """An ISO 8601 duration; ``text`` is the literal it was read from."""

    text: str
    sign: int = 1
    years: float = 0
    months: float = 0
    days: float = 0
    seconds: float = 0

    def total_seconds(self):
        """Return the duration in seconds (a year counted as 365.25 days, a month as a twelfth of it)."""
        days = self.years * 365.25 + self.months * 365.25 / 12 + self.days
        return self.sign * (days * 86400 + self.seconds)

    def add_to(self, when):
        """Return the datetime ``when`` moved by this duration (calendar years and months)."""
        months = self.sign * (int(self.years) * 12 + int(self.months))
        rest = Duration(self.text, self.sign, self.years % 1, self.months % 1,
                        self.days, self.seconds)
        if months:
            month0 = when.month - 1 + months
            year = when.year + month0 // 12
            month = month0 % 12 + 1
            day = min(when.day, calendar.monthrange(year, month)[1])
            when = when.replace(year=year, month=month, day=day)
        return when + dt.timedelta(seconds=rest.total_seconds())


def parse_duration(text):
    """Return the :class:`Duration` of an ISO 8601 duration literal.

    Raises ValueError if ``text`` is not one.
    """
    literal = (text or "").strip()
    m = _DURATION.match(literal)
    if not m:
        raise ValueError(f"not an ISO 8601 duration: {text!r}")
    g = {k: float(v) if v else 0.0 for k, v in m.groupdict().items() if k != "sign"}
    return Duration(
        text=literal,
        sign=-1 if m.group("sign") == "-" else 1,
        years=g["years"],
        months=g["months"],
        days=g["weeks"] * 7 + g["days"],
        seconds=g["hours"] * 3600 + g["minutes"] * 60 + g["seconds"],
    )


def parse_datetime(text):
    """Return the timezone-aware UTC datetime of an ISO 8601 date or date-time.

    A value without a zone is taken as UTC (SPASE times are UTC).  Raises
    ValueError if ``text`` is not an ISO 8601 date-time.
    """
    literal = (text or "").strip()
    if not literal:
        raise ValueError("empty date-time")
    if literal.endswith(("Z", "z")):
        literal = literal[:-1] + "+00:00"
    try:
        value = dt.datetime.fromisoformat(literal)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date-time: {text!r}") from None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
