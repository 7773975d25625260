"""Vectorised formatting of numeric arrays and rows as text.

Values are turned into fixed-width byte strings by numpy and rows are
assembled in one buffer whose NUL padding is then removed, so that text
output needs no Python loop over rows.  :func:`row_texts` gives the same
texts faster, through orjson's shortest round-trip formatting.
"""

import numpy as np
import orjson

# Width of the text of one value of each numpy kind/size (shortest round-trip repr).
_WIDTHS = {
    ("f", 4): 20, ("f", 8): 25, ("i", 1): 4, ("i", 2): 6, ("i", 4): 11, ("i", 8): 20,
    ("u", 1): 3, ("u", 2): 5, ("u", 4): 10, ("u", 8): 20,
}


def number_texts(values):
    """Return the texts of the numbers ``values`` as an ``S`` array of the same shape.

    Floats are written with the shortest text that reads back to the same
    value, NaN as ``NaN`` and infinities as ``+Inf``/``-Inf``.
    """
    values = np.asarray(values)
    width = _WIDTHS.get((values.dtype.kind, values.dtype.itemsize), 25)
    texts = values.astype(f"S{width}")
    if values.dtype.kind == "f":
        special = ~np.isfinite(values)
        if special.any():
            texts[np.isnan(values)] = b"NaN"
            texts[values == np.inf] = b"+Inf"
            texts[values == -np.inf] = b"-Inf"
    return texts


def join_rows(parts):
    """Return the bytes of rows assembled from ``parts``, NUL padding removed.

    ``parts`` is a list of items, each either a bytes literal (repeated on
    every row) or an ``S`` array of shape (rows,) or (rows, k) (its k values
    are written one after the other).  All arrays have the same number of rows.
    """
    rows = next(p.shape[0] for p in parts if isinstance(p, np.ndarray))
    fields = []
    for index, part in enumerate(parts):
        if isinstance(part, np.ndarray):
            fields.append((f"f{index}", part.dtype, part.shape[1:]))
        else:
            fields.append((f"f{index}", f"S{len(part)}"))
    buffer = np.zeros(rows, dtype=np.dtype(fields))
    for index, part in enumerate(parts):
        buffer[f"f{index}"] = part
    octets = buffer.view(np.uint8)
    return octets[octets != 0].tobytes()


def spaced(texts):
    """Return ``texts`` (an ``S`` array) with each value preceded by a space, as an ``S`` array.

    The space comes first and the value's NUL padding after it, so that
    :func:`join_rows` gives `` value`` for each of them.
    """
    width = texts.dtype.itemsize
    out = np.zeros(texts.shape + (width + 1,), dtype=np.uint8)
    out[..., 0] = ord(" ")
    out[..., 1:] = texts.view(np.uint8).reshape(texts.shape + (width,))
    return out.view(f"S{width + 1}").reshape(texts.shape)


# Magnitudes of the floats whose orjson text is numpy's (both positional, integers
# ending in ".0"); zero too.  Other floats take numpy's route.
_ORJSON_FLOATS = (2e-4, 1e12)
_ORJSON_DTYPES = ("f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8")


def row_texts(values, end=b"", sep=b" "):
    """Return the texts of the rows of the 2-D numeric array ``values``: a list of bytes.

    Each row is its values, each preceded by ``sep`` (a space, or a comma)
    and written as by :func:`number_texts`, then ``end``.
    """
    values = np.asarray(values)
    if values.dtype.str[1:] not in _ORJSON_DTYPES or values.shape[0] == 0:
        return _numpy_rows(values, end, sep)
    values = np.ascontiguousarray(values, dtype=values.dtype.newbyteorder("="))
    text = orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY)
    text = sep + text[2:-2] + end
    if sep != b",":
        text = text.replace(b",", sep)
    rows = text.replace(b"]" + sep + b"[", end + b"]" + sep + b"[" + sep).split(b"]" + sep + b"[")
    if values.dtype.kind == "f":
        low, high = _ORJSON_FLOATS
        with np.errstate(invalid="ignore"):
            magnitude = np.abs(values)
            other = ~((magnitude >= low) & (magnitude < high)) & (values != 0)
        redo = np.flatnonzero(other.any(axis=1))
        for index, row in zip(redo.tolist(), _numpy_rows(values[redo], end, sep)):
            rows[index] = row
    return rows


def _numpy_rows(values, end, sep):
    return [sep + sep.join(row) + end for row in number_texts(values).tolist()]


def join_lines(columns):
    """Return the concatenation, line by line, of ``columns`` (lists of bytes, one item per line)."""
    width = len(columns)
    pieces = [b""] * (width * len(columns[0]))
    for index, column in enumerate(columns):
        pieces[index::width] = column
    return b"".join(pieces)
