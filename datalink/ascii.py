"""Streaming ASCII output of a :class:`~datalink.cdfread.Slice`.

A commented header (``#`` lines) names the dataset, the file, the interval
and each column with its units and fill value; then one line per record:
the ISO 8601 time and the values, separated by spaces.  Vectors and spectra
are written one column per component (C order of the record's dimensions).
"""

import itertools

import numpy as np

from . import epochs
from .textformat import join_lines, number_texts, row_texts

MEDIA_TYPE = "text/plain"
# Lines formatted at a time: a few MB of text.
LINES = 32768


def _component_names(parameter):
    """Return the column names of a parameter's components (its name alone for a scalar)."""
    if not parameter.shape:
        return [parameter.name]
    if parameter.labels:
        return [f"{parameter.name}[{label}]".replace(" ", "_") for label in parameter.labels]
    return [
        parameter.name + "".join(f"[{i}]" for i in index)
        for index in itertools.product(*(range(d) for d in parameter.shape))
    ]


def header_lines(slice_):
    """Return the commented header of the ASCII output of ``slice_`` (a list of lines, without newlines)."""
    start = epochs.iso_text(slice_.start_time) if slice_.start_time is not None else "start of file"
    stop = epochs.iso_text(slice_.stop_time) if slice_.stop_time is not None else "end of file"
    lines = [
        f"# Dataset: {slice_.dataset}",
        f"# Source file: {slice_.path.name}",
        f"# Interval: {start} / {stop} (UTC)",
        f"# Records: {slice_.record_count}",
        "# Columns:",
        f"#   1 {slice_.time_variable}: time of the record, UTC, ISO 8601",
    ]
    number = 2
    names = [slice_.time_variable]
    for parameter in slice_.parameters:
        components = _component_names(parameter)
        units = parameter.units or "none"
        fill = number_texts(np.asarray([parameter.fill]))[0].decode() if parameter.fill is not None else "none"
        span = f"{number}" if len(components) == 1 else f"{number}-{number + len(components) - 1}"
        lines.append(f"#   {span} {parameter.name}: {parameter.description}; units: {units}; fill value: {fill}")
        if parameter.shape:
            lines.append(f"#      dimensions {' x '.join(str(d) for d in parameter.shape)}, "
                         f"components {components[0]} .. {components[-1]}")
        for axis in parameter.axes:
            if axis.values is None:
                where = f"values in the columns of {axis.variable}"
            else:
                where = "values: " + " ".join(str(v).strip() for v in np.ravel(axis.values)[:200])
            units = f" [{axis.units}]" if axis.units else ""
            lines.append(f"#      dimension {axis.index}: {axis.description}{units}; {where}")
        names += components
        number += len(components)
    lines.append("# " + " ".join(names))
    return lines


def ascii_stream(slice_):
    """Yield the bytes of the ASCII table of ``slice_``: the header, then one piece per :data:`LINES` records."""
    yield ("\n".join(header_lines(slice_)) + "\n").encode("utf-8")
    digits = epochs.ISO_DIGITS[slice_.epoch_type]
    last = len(slice_.parameters) - 1
    for chunk in slice_.chunks():
        count = chunk.epochs.shape[0]
        times = epochs.to_datetime64(chunk.epochs, slice_.epoch_type)
        values = [chunk.values[parameter.name].reshape(count, -1) for parameter in slice_.parameters]
        for begin in range(0, count, LINES):
            lines = slice(begin, begin + LINES)
            columns = [epochs.iso_bytes(times[lines], digits).tolist()]
            columns += ([row_texts(v[lines], b"\n" if i == last else b"") for i, v in enumerate(values)]
                        or [[b"\n"] * len(columns[0])])
            yield join_lines(columns)
