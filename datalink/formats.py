"""The output formats of a slice, and the one call the web layer makes.

:func:`slice_stream` checks a request (file, interval, format, parameters)
and returns what to send back: the media type, a file name and an iterator
of byte blocks.  Every check happens before the first block, so that a bad
request or an unreadable file fails with a clear error instead of a
truncated response.
"""

from dataclasses import dataclass

from . import ascii, cdfout, votable
from .cdfread import open_slice
from .errors import BadParameter


@dataclass(frozen=True)
class Format:
    """An output format: its name in requests, media type, file name suffix and writer."""

    name: str
    media_type: str
    suffix: str


CDF_ISTP = Format("CDF_ISTP", cdfout.MEDIA_TYPE, ".cdf")
VOTABLE = Format("VOTable", votable.MEDIA_TYPE, ".xml")
ASCII = Format("ASCII", ascii.MEDIA_TYPE, ".txt")
FORMATS = (CDF_ISTP, VOTABLE, ASCII)
FORMAT_NAMES = tuple(f.name for f in FORMATS)

_ALIASES = {
    "cdf_istp": CDF_ISTP, "cdf": CDF_ISTP, "application/x-cdf": CDF_ISTP,
    "votable": VOTABLE, "application/x-votable+xml": VOTABLE, "text/xml": VOTABLE,
    "ascii": ASCII, "text/plain": ASCII, "txt": ASCII,
}


def parse_format(value):
    """Return (:class:`Format`, VOTable serialization) for a FORMAT value.

    Names are case-insensitive and media types are understood; a
    ``;serialization=TABLEDATA`` suffix asks for a TABLEDATA VOTable
    (BINARY2 otherwise).  Raises :class:`BadParameter` listing the formats.
    """
    text = (value or "VOTable").strip()
    base, *options = [part.strip() for part in text.split(";")]
    found = _ALIASES.get(base.lower())
    if found is None:
        raise BadParameter("FORMAT", f"unknown format {value!r}", FORMAT_NAMES)
    serialization = "binary2"
    for option in options:
        key, _, setting = option.partition("=")
        if key.strip().lower() == "serialization" and found is VOTABLE:
            serialization = setting.strip().lower()
            if serialization not in votable.SERIALIZATIONS:
                raise BadParameter("FORMAT", f"unknown VOTable serialization {setting!r}",
                                   [s.upper() for s in votable.SERIALIZATIONS])
    return found, serialization


def slice_stream(path, start=None, stop=None, format="VOTable", parameters=None):
    """Return (media type, file name, iterator of bytes) of a time slice of the CDF file ``path``.

    ``start``/``stop`` are ISO 8601 times (None: the file's bounds),
    ``format`` a FORMAT value (see :func:`parse_format`), ``parameters`` a
    list of variable names (None or empty: all data parameters of the main
    time axis).  Raises :class:`BadParameter` or :class:`CorruptFile`.
    """
    chosen, serialization = parse_format(format)
    slice_ = open_slice(path, start, stop, parameters)
    name = slice_.path.stem
    if slice_.start_time is not None or slice_.stop_time is not None:
        bounds = [t.strftime("%Y%m%dT%H%M%S") for t in (slice_.start_time, slice_.stop_time) if t is not None]
        name += "_" + "_".join(bounds)
    if chosen is CDF_ISTP:
        blocks = cdfout.cdf_stream(slice_)
    elif chosen is VOTABLE:
        blocks = votable.votable_stream(slice_, serialization)
    else:
        blocks = ascii.ascii_stream(slice_)
    return chosen.media_type, name + chosen.suffix, blocks
