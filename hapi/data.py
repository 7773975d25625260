"""The records of a dataset in a time range, read across its files and written as csv, binary or json.

:func:`chunks` reads the files that hold the range in time order, each cut
to the records of [start, stop) by :meth:`datalink.cdfread.CdfFile.records_between`
and read in blocks by :class:`datalink.cdfread.Slice` (what DataLink
slices with); a file is also cut to the days the archive gives it, so
that records come once and in order.  The writers turn each block into
bytes, so that memory stays that of one block whatever the range.
"""

import datetime as dt

import numpy as np
import orjson
from astropy.time import Time

from datalink import ascii, cdfread, epochs
from datalink.errors import CorruptFile
from datalink.textformat import join_lines, row_texts

from .info import subset_info

FORMATS = ("csv", "binary", "json")
#: Records written at a time (as DataLink's ASCII slices do): a few MB of text.
LINES = ascii.LINES
MEDIA_TYPES = {"csv": "text/csv", "binary": "application/octet-stream", "json": "application/json"}


def _midnight(day):
    return Time(dt.datetime.combine(day, dt.time()), scale="utc")


def _date(time):
    """Return the UTC date of a :class:`Time` and whether the time is its midnight (a leap second is its day's)."""
    year, month, day, hour, minute, second = time.utc.ymdhms.tolist()
    return dt.date(year, month, day), hour == minute == second == 0


def _day_range(start, stop):
    """Return the first and last dates (UTC) a [start, stop) range of UTC :class:`Time` touches."""
    first, _ = _date(start)
    last, midnight = _date(stop)
    return first, max(first, last - dt.timedelta(days=1) if midnight else last)


def _values(file, column, chunk, count):
    """Return a column's values in a block as a (records, values per record) array."""
    if column.name in chunk.values:
        return chunk.values[column.name].reshape(count, -1)
    if column.fill is None:
        raise CorruptFile(file.path, f"no variable {column.name}, which has no fill value to stand for it")
    return np.full((count, column.parameter.size), column.fill,
                   dtype=np.int32 if column.integer else np.float64)


def time_texts(times, digits):
    """Return the HAPI texts of ``datetime64[ns]`` times (``YYYY-MM-DDThh:mm:ss.fff…Z``) as an ``S`` array."""
    texts = epochs.iso_bytes(times, digits)
    width = texts.dtype.itemsize
    out = np.empty((texts.shape[0], width + 1), dtype=np.uint8)
    out[:, :width] = texts.view(np.uint8).reshape(-1, width)
    out[:, width] = ord("Z")
    return out.view(f"S{width + 1}").reshape(-1)


def chunks(dataset, days, description, columns, start, stop):
    """Yield (time texts, [values of each column]) blocks of a dataset's records in [start, stop).

    ``days`` are the dataset's files by day (:meth:`~hapi.catalog.Dataset.days`);
    ``start`` and ``stop`` are UTC :class:`Time`; time texts are an ``S``
    array (:func:`time_texts`); values are 2-D arrays (records, values per record).
    Records whose time is a fill value are left out.  Raises
    :class:`~datalink.errors.CorruptFile` for a file that cannot be read or
    lacks the time axis.
    """
    for path, first_day, last_day in dataset.files(*_day_range(start, stop), days=days):
        low = max(start, _midnight(first_day))
        high = min(stop, _midnight(last_day + dt.timedelta(days=1)))
        file = cdfread.CdfFile(path)
        time_variable = description.time_variable
        if time_variable not in file.variables:
            raise CorruptFile(path, f"no time variable {time_variable}")
        first, end = file.records_between(time_variable, low, high, closed=False)
        if end <= first:
            continue
        present = [file.describe(c.name) for c in columns
                   if c.name in file.variables and file.shape(c.name) == c.parameter.shape]
        epoch_type = file.data_type(time_variable)
        for chunk in cdfread.Slice(file, time_variable, present, first, end, low, high).chunks():
            times = epochs.to_datetime64(chunk.epochs, epoch_type)
            count = times.shape[0]
            values = [_values(file, column, chunk, count) for column in columns]
            keep = ~np.isnat(times)
            if not keep.all():
                times, values = times[keep], [v[keep] for v in values]
            if times.shape[0]:
                yield time_texts(times, description.digits), values


def header_text(description, columns, status, data_format):
    """Return the info object of the stream (its columns, ``status`` and ``format``) as JSON bytes."""
    info = subset_info(description, columns)
    info["status"] = status
    info["format"] = data_format
    return orjson.dumps(info, option=orjson.OPT_INDENT_2)


def csv_block(texts, values):
    """Return the CSV lines of a block."""
    last = len(values) - 1
    columns = [texts.tolist()] + [row_texts(v, b"\n" if i == last else b"", b",") for i, v in enumerate(values)]
    if not values:
        columns.append([b"\n"] * len(texts))
    return join_lines(columns)


def binary_block(texts, values, columns, length):
    """Return the binary records of a block: the time (ASCII), then doubles or 4-byte integers, little-endian."""
    layout = [("time", f"S{length}")] + [
        (f"c{i}", "<i4" if c.integer else "<f8", (c.parameter.size,)) for i, c in enumerate(columns)]
    out = np.zeros(len(texts), dtype=layout)
    out["time"] = texts
    for i, (column, block) in enumerate(zip(columns, values)):
        written = block.astype(np.int32 if column.integer else np.float64)
        if not column.integer and column.fill is not None and block.dtype != np.float64:
            written[block == np.asarray(column.fill).astype(block.dtype)] = column.fill
        out[f"c{i}"] = written
    return out.tobytes()


def _json_texts(column, block):
    """Return the JSON texts of a column's values, one per record (NaN and infinities as null)."""
    if not column.parameter.shape:
        return orjson.dumps(np.ascontiguousarray(block[:, 0]), option=orjson.OPT_SERIALIZE_NUMPY)[1:-1].split(b",")
    shaped = np.ascontiguousarray(block.reshape((block.shape[0],) + column.parameter.shape))
    return [orjson.dumps(row, option=orjson.OPT_SERIALIZE_NUMPY) for row in shaped]


def json_block(texts, values, columns, first):
    """Return the json records of a block (``first``: the block opens the data array)."""
    parts = [_json_texts(c, v) for c, v in zip(columns, values)]
    rows = [b'["' + t + b'"' + b"".join(b"," + p[i] for p in parts) + b"]" for i, t in enumerate(texts.tolist())]
    return (b"\n" if first else b",\n") + b",\n".join(rows)


def blocks(description, columns, records, data_format, status, header):
    """Yield the bytes of a data response: the header when asked for (always for json), then each block.

    ``records`` iterates over :func:`chunks`' blocks; ``status`` is the HAPI
    status object the header carries.
    """
    if data_format == "json":
        yield header_text(description, columns, status, "json")[:-2] + b',\n  "data": ['
    elif header:
        yield b"".join(b"#" + line + b"\n" for line in header_text(description, columns, status,
                                                                   data_format).split(b"\n"))
    first = True
    for texts, values in records:
        for begin in range(0, len(texts), LINES):
            piece = slice(begin, begin + LINES)
            texts_piece, values_piece = texts[piece], [v[piece] for v in values]
            if data_format == "csv":
                yield csv_block(texts_piece, values_piece)
            elif data_format == "binary":
                yield binary_block(texts_piece, values_piece, columns, description.time_length)
            else:
                yield json_block(texts_piece, values_piece, columns, first)
            first = False
    if data_format == "json":
        yield b"\n]\n}\n"
