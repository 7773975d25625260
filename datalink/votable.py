"""Streaming VOTable output of a :class:`~datalink.cdfread.Slice`.

The metadata (FIELDs with units, UCDs and descriptions, PARAMs holding the
constant DEPEND_i axes, INFOs on the request) is written by
:mod:`astropy.io.votable`; the rows are encoded chunk by chunk (BINARY2
base64 stream, or TABLEDATA), so that memory does not grow with the slice.
"""

import binascii
import io

import numpy as np
from astropy.io.votable.tree import Field, Info, Param, Resource, Table, VOTableFile

from . import epochs, quiet
from .textformat import join_rows, number_texts, spaced
from .units import istp_to_vounit

MEDIA_TYPE = "application/x-votable+xml"
SERIALIZATIONS = ("binary2", "tabledata")

# VOTable datatype and big-endian numpy type of each numpy value type.
_VOTABLE_TYPES = {
    "f4": ("float", ">f4"), "f8": ("double", ">f8"), "i1": ("short", ">i2"),
    "i2": ("short", ">i2"), "i4": ("int", ">i4"), "i8": ("long", ">i8"),
    "u1": ("unsignedByte", "u1"), "u2": ("int", ">i4"), "u4": ("long", ">i8"), "u8": ("long", ">i8"),
}


def votable_type(dtype):
    """Return (VOTable datatype, big-endian numpy dtype) for the numpy ``dtype``."""
    dtype = np.dtype(dtype)
    datatype, encoded = _VOTABLE_TYPES[f"{dtype.kind}{dtype.itemsize}"]
    return datatype, np.dtype(encoded)


def arraysize(shape):
    """Return the VOTable arraysize of a record shape (first VOTable dimension varies fastest), or None."""
    return "x".join(str(d) for d in reversed(shape)) if shape else None


def fill_of(parameter, dtype):
    """Return the parameter's fill value as a ``dtype`` scalar, or None when it has none or does not fit."""
    fill, dtype = parameter.fill, np.dtype(dtype)
    if fill is None or isinstance(fill, str):
        return None
    try:
        if dtype.kind in "iu":
            limits = np.iinfo(dtype)
            if not float(fill).is_integer() or not limits.min <= fill <= limits.max:
                return None
            return dtype.type(int(fill))
        if dtype.kind == "f" and np.isfinite(fill) and abs(fill) > np.finfo(dtype).max:
            return None
        return dtype.type(fill)
    except (ValueError, OverflowError, TypeError):
        return None


def _description(parameter, slice_):
    """Return the DESCRIPTION of a parameter's FIELD: CATDESC, raw units, components and axes."""
    parts = [parameter.description]
    if parameter.units and not istp_to_vounit(parameter.units):
        parts.append(f"units: {parameter.units}")
    if parameter.labels:
        parts.append("components: " + ", ".join(parameter.labels))
    for axis in parameter.axes:
        where = (
            f"values in PARAM {axis.variable}" if axis.values is not None and axis.values.dtype.kind in "iuf"
            else f"values in column {axis.variable}" if axis.values is None
            else "values: " + ", ".join(str(v).strip() for v in np.ravel(axis.values))
        )
        units = f" [{axis.units}]" if axis.units else ""
        parts.append(f"dimension {axis.index} (DEPEND_{axis.index}): {axis.description}{units}, {where}")
    if parameter.fill is not None:
        parts.append(f"fill value {parameter.fill} given as null")
    return "; ".join(parts)


def _metadata(slice_, serialization):
    """Return (head, tail): the VOTable text before and after the DATA element of ``slice_``."""
    votable = VOTableFile(version="1.4")
    resource = Resource(type="results")
    votable.resources.append(resource)
    resource.infos.append(Info(name="QUERY_STATUS", value="OK"))
    table = Table(votable, ID="slice_table", name=slice_.dataset, config={"version_1_3_or_later": True})
    table.description = (
        f"Records of {slice_.path.name} (dataset {slice_.dataset}) inside the requested interval"
    )
    resource.tables.append(table)
    requested = [
        ("dataset", slice_.dataset),
        ("source_file", slice_.path.name),
        ("request_start", epochs.iso_text(slice_.start_time) if slice_.start_time is not None else "file start"),
        ("request_stop", epochs.iso_text(slice_.stop_time) if slice_.stop_time is not None else "file end"),
        ("record_count", str(slice_.record_count)),
    ]
    for name, value in requested:
        resource.infos.append(Info(name=name, value=value))
    width = 20 + epochs.ISO_DIGITS[slice_.epoch_type]
    time_field = Field(
        votable, name=slice_.time_variable, datatype="char",
        arraysize=str(width), xtype="timestamp", ucd="time.epoch",
    )
    time_field.description = "Time of the record (UTC, ISO 8601)"
    table.fields.append(time_field)
    params = {}
    for parameter in slice_.parameters:
        datatype, encoded = votable_type(parameter.dtype)
        field = Field(
            votable, name=parameter.name, datatype=datatype,
            arraysize=arraysize(parameter.shape), unit=istp_to_vounit(parameter.units), ucd=parameter.ucd,
        )
        field.description = _description(parameter, slice_)
        fill = fill_of(parameter, encoded)
        if fill is not None and encoded.kind in "iu":
            field.values.null = fill.item()
        table.fields.append(field)
        for axis in parameter.axes:
            if axis.values is not None and axis.values.dtype.kind in "iuf" and axis.variable not in params:
                axis_type, _ = votable_type(axis.values.dtype)
                param = Param(
                    votable, name=axis.variable, datatype=axis_type,
                    arraysize=arraysize(axis.values.shape), unit=istp_to_vounit(axis.units),
                    value=np.ravel(axis.values).tolist() if axis.values.shape else axis.values.item(),
                )
                param.description = f"{axis.description}: values along a dimension of {parameter.name}"
                params[axis.variable] = param
    table.params.extend(params.values())
    table.create_arrays(0)
    table.format = serialization
    buffer = io.BytesIO()
    with quiet.ignored():
        votable.to_xml(buffer)
    text = buffer.getvalue()
    cut = text.rindex(b"</TABLE>")
    return text[:cut], text[cut:]


def _encoded_columns(slice_, chunk):
    """Return [(values, scalar null mask or None)] of each parameter of ``chunk`` in VOTable encoding.

    Float fill values become NaN; integer values keep their fill (declared
    as the FIELD's null value).
    """
    columns = []
    for parameter in slice_.parameters:
        _, encoded = votable_type(parameter.dtype)
        values = chunk.values[parameter.name].astype(encoded)
        fill = fill_of(parameter, encoded)
        if encoded.kind == "f":
            if fill is not None:
                values[values == fill] = np.nan
            null = np.isnan(values) if not parameter.shape else None
        else:
            null = (values == fill) if (fill is not None and not parameter.shape) else None
        columns.append((values, null))
    return columns


def _binary2_rows(slice_, chunk):
    """Return the BINARY2 bytes of the records of ``chunk``."""
    count = chunk.epochs.shape[0]
    width = 20 + epochs.ISO_DIGITS[slice_.epoch_type]
    times = epochs.to_datetime64(chunk.epochs, slice_.epoch_type)
    columns = _encoded_columns(slice_, chunk)
    flag_bytes = (len(columns) + 1 + 7) // 8
    layout = [("flags", "u1", (flag_bytes,)), ("time", f"S{width}")]
    layout += [(f"c{i}", values.dtype, values.shape[1:]) for i, (values, _) in enumerate(columns)]
    rows = np.zeros(count, dtype=np.dtype(layout))
    rows["time"] = epochs.iso_bytes(times, epochs.ISO_DIGITS[slice_.epoch_type])
    flags = np.zeros((count, flag_bytes), dtype=np.uint8)
    nulls = [np.isnat(times)] + [null for _, null in columns]
    for index, null in enumerate(nulls):
        if null is not None:
            flags[:, index // 8] |= null.astype(np.uint8) << (7 - index % 8)
        if index > 0:
            rows[f"c{index - 1}"] = columns[index - 1][0]
    rows["flags"] = flags
    return rows.tobytes()


def _tabledata_rows(slice_, chunk):
    """Return the TABLEDATA bytes (``<TR>`` elements) of the records of ``chunk``."""
    count = chunk.epochs.shape[0]
    times = epochs.iso_bytes(epochs.to_datetime64(chunk.epochs, slice_.epoch_type),
                             epochs.ISO_DIGITS[slice_.epoch_type])
    parts = [b"<TR><TD>", times, b"</TD>"]
    for values, null in _encoded_columns(slice_, chunk):
        texts = number_texts(values)
        if values.ndim == 1:
            if null is not None:
                texts[null] = b""
            parts += [b"<TD>", texts, b"</TD>"]
        else:
            parts += [b"<TD>", spaced(texts.reshape(count, -1)), b"</TD>"]
    parts.append(b"</TR>\n")
    return join_rows(parts)


def votable_stream(slice_, serialization="binary2"):
    """Yield the bytes of the VOTable of ``slice_``, one piece per chunk of records.

    ``serialization`` is ``binary2`` (base64 BINARY2 stream) or ``tabledata``.
    """
    head, tail = _metadata(slice_, serialization)
    yield head
    if serialization == "binary2":
        yield b'<DATA><BINARY2><STREAM encoding="base64">\n'
        pending = b""
        for chunk in slice_.chunks():
            data = pending + _binary2_rows(slice_, chunk)
            cut = len(data) - len(data) % 3
            pending = data[cut:]
            if cut:
                yield binascii.b2a_base64(data[:cut])
        if pending:
            yield binascii.b2a_base64(pending)
        yield b"</STREAM></BINARY2></DATA>\n"
    else:
        yield b"<DATA><TABLEDATA>\n"
        for chunk in slice_.chunks():
            yield _tabledata_rows(slice_, chunk)
        yield b"</TABLEDATA></DATA>\n"
    yield tail
