"""Translation of ISTP unit strings into IVOA VOUnits."""

import re

import astropy.units as u

from . import quiet

# ISTP spellings of units and their VOUnit symbols.
_WORDS = {
    "sec": "s", "secs": "s", "seconds": "s", "cc": "cm**3", "ster": "sr", "str": "sr",
    "counts": "count", "cnts": "count", "#": "count", "hr": "h", "hrs": "h", "hours": "h",
    "volts": "V", "volt": "V", "degrees": "deg", "nanotesla": "nT", "gauss": "G",
    "particles": "count", "ions": "count",
}


def istp_to_vounit(units):
    """Return the VOUnit string of the ISTP ``units``, or None when it has no VOUnit form.

    IDL superscripts (``cm!E-2!N``) become powers (``cm**-2``); common ISTP
    words (``sec``, ``cc``, ``ster``, ``counts``) become their symbols.
    """
    if not units or not units.strip():
        return None
    text = units.strip()
    text = re.sub(r"!E([-+]?\d+(?:\.\d+)?)!N", r"**\1", text)
    text = re.sub(r"\^([-+]?\d+)", r"**\1", text)
    text = re.sub(r"[A-Za-z#]+", lambda m: _WORDS.get(m.group(0).lower(), m.group(0)), text)
    text = re.sub(r"(?<=[\w)])\s+(?=[\w(])", ".", text.strip())
    with quiet.collected(u.UnitsWarning) as warned:
        try:
            unit = u.Unit(text, format="vounit", parse_strict="raise")
            vounit = None if unit == u.dimensionless_unscaled else unit.to_string("vounit")
        except (ValueError, TypeError):
            return None
    # A unit VOUnit deprecates is not taken.
    return None if warned else vounit
