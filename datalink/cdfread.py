"""Reading time slices of CDF/ISTP files with cdflib.

:func:`open_slice` opens a file, resolves the requested parameters and their
time variable (``DEPEND_0``), finds the records inside [start, stop] by a
binary search on the epoch variable (reading single records, so the epoch
variable is never loaded whole) and returns a :class:`Slice` whose
:meth:`Slice.chunks` reads the records in blocks.
"""

from dataclasses import dataclass, field
from pathlib import Path

import cdflib
import numpy as np

from . import epochs
from .errors import BadParameter, CorruptFile

# Bytes of parameter values read per chunk.
CHUNK_BYTES = 4 * 1024 * 1024

_NUMPY_TYPES = {
    "CDF_INT1": np.int8, "CDF_BYTE": np.int8, "CDF_INT2": np.int16, "CDF_INT4": np.int32,
    "CDF_INT8": np.int64, "CDF_UINT1": np.uint8, "CDF_UINT2": np.uint16, "CDF_UINT4": np.uint32,
    "CDF_REAL4": np.float32, "CDF_FLOAT": np.float32, "CDF_REAL8": np.float64,
    "CDF_DOUBLE": np.float64, "CDF_EPOCH": np.float64, "CDF_EPOCH16": np.complex128,
    "CDF_TIME_TT2000": np.int64,
}


@dataclass
class Axis:
    """A ``DEPEND_i`` of a parameter: the values along dimension ``i`` of each record.

    ``values`` holds them when they are the same for every record; when they
    vary with time, ``values`` is None and ``variable`` is a column of the slice.
    """

    index: int
    variable: str
    units: str | None
    description: str
    values: np.ndarray | None


@dataclass
class Parameter:
    """A record-varying variable of the file, with what its ISTP attributes say about it."""

    name: str
    cdf_type: str
    dtype: np.dtype
    shape: tuple
    units: str | None
    fill: object
    description: str
    ucd: str | None
    labels: list | None
    axes: list = field(default_factory=list)
    attributes: dict = field(default_factory=dict)

    @property
    def size(self):
        """Return the number of values in one record."""
        return int(np.prod(self.shape)) if self.shape else 1


@dataclass
class Chunk:
    """A block of consecutive records: raw epoch values and each parameter's values."""

    epochs: np.ndarray
    values: dict


def text_attribute(value):
    """Return an attribute value as a stripped string (or None when empty)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        value = " ".join(str(v) for v in np.ravel(value))
    text = str(value).strip()
    return text or None


def scalar_attribute(value):
    """Return an attribute value as a Python scalar (the first value of an array), or None."""
    if value is None:
        return None
    array = np.ravel(np.asarray(value))
    if array.size == 0:
        return None
    item = array[0].item() if hasattr(array[0], "item") else array[0]
    return item.strip() if isinstance(item, str) else item


def _typed(value, dtype):
    """Return ``value`` as a ``dtype`` scalar when it is a number that type holds exactly, else unchanged."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        with np.errstate(all="ignore"):
            try:
                typed = dtype.type(value)
            except (OverflowError, ValueError):
                return value
        if dtype.kind in "iu" and typed != value:
            return value
        return typed
    return value


def open_cdf(path):
    """Return a :class:`cdflib.CDF` of ``path``; raises :class:`CorruptFile` if it cannot be read."""
    try:
        cdf = cdflib.CDF(str(path))
        cdf.cdf_info()
    except Exception as exc:  # cdflib raises many kinds of errors on broken files
        raise CorruptFile(path, f"not a readable CDF file ({type(exc).__name__}: {exc})") from None
    return cdf


class CdfFile:
    """The variables of an open CDF file, with their ISTP roles."""

    def __init__(self, path):
        self.path = Path(path)
        self.cdf = open_cdf(path)
        info = self.cdf.cdf_info()
        self.variables = list(info.zVariables) + list(info.rVariables)
        try:
            self.global_attributes = self.cdf.globalattsget()
            self._inquiries = {name: self.cdf.varinq(name) for name in self.variables}
            self._attributes = {name: self.cdf.varattsget(name) for name in self.variables}
        except Exception as exc:
            raise CorruptFile(path, f"broken variable descriptions ({type(exc).__name__}: {exc})") from None

    @property
    def dataset(self):
        """Return the dataset name: the Logical_source global attribute, or the file's stem."""
        return text_attribute(self.global_attributes.get("Logical_source")) or self.path.stem

    def attributes(self, name):
        """Return the variable attributes of ``name`` (a dict)."""
        return self._attributes[name]

    def data_type(self, name):
        """Return the CDF data type name of ``name`` (e.g. ``CDF_REAL4``)."""
        return self._inquiries[name].Data_Type_Description

    def shape(self, name):
        """Return the dimensions of one record of ``name`` (a tuple, empty for scalars)."""
        return tuple(int(d) for d in self._inquiries[name].Dim_Sizes)

    def record_count(self, name):
        """Return the number of records written for ``name``."""
        return int(self._inquiries[name].Last_Rec) + 1

    def record_varying(self, name):
        """Return True when ``name`` has one value per record."""
        return bool(self._inquiries[name].Rec_Vary)

    def time_variable(self, name):
        """Return the DEPEND_0 of ``name`` when it names a time variable of the file, else None."""
        depend = text_attribute(self.attributes(name).get("DEPEND_0"))
        if depend in self._inquiries and self.data_type(depend) in epochs.EPOCH_TYPES:
            return depend
        return None

    def parameters(self):
        """Return the names of the data parameters: numeric record-varying ``data`` variables with a time axis."""
        names = []
        for name in self.variables:
            attributes = self.attributes(name)
            if (
                text_attribute(attributes.get("VAR_TYPE")) == "data"
                and self.record_varying(name)
                and self.data_type(name) in _NUMPY_TYPES
                and self.data_type(name) not in epochs.EPOCH_TYPES
                and self.time_variable(name)
            ):
                names.append(name)
        return names

    def main_time_variable(self):
        """Return the time variable shared by most data parameters (the first one on a tie)."""
        counts = {}
        for name in self.parameters():
            depend = self.time_variable(name)
            counts[depend] = counts.get(depend, 0) + 1
        if not counts:
            raise CorruptFile(self.path, "no data variable with a time axis (DEPEND_0)")
        return max(counts, key=counts.get)

    def main_parameter(self):
        """Return the parameter a quick-look shows: the first one on the main time axis."""
        time_variable = self.main_time_variable()
        return next(p for p in self.parameters() if self.time_variable(p) == time_variable)

    def read(self, name, first=None, last=None):
        """Return the values of ``name`` for records ``first``..``last`` (inclusive) as an array.

        The array has shape (records,) + the record shape; raises
        :class:`CorruptFile` when cdflib cannot read them.
        """
        shape = self.shape(name)
        try:
            if first is None:
                data = self.cdf.varget(name)
            else:
                data = self.cdf.varget(name, startrec=int(first), endrec=int(last))
        except Exception as exc:
            raise CorruptFile(self.path, f"variable {name} unreadable ({type(exc).__name__}: {exc})") from None
        data = np.asarray(data)
        if first is None and not self.record_varying(name):
            return data.reshape(shape) if data.size == int(np.prod(shape or (1,))) else data
        count = (int(last) - int(first) + 1) if first is not None else self.record_count(name)
        try:
            return data.reshape((count,) + shape)
        except ValueError:
            raise CorruptFile(self.path, f"variable {name}: {data.size} values for {count} records") from None

    def describe(self, name):
        """Return the :class:`Parameter` describing variable ``name``."""
        attributes = self.attributes(name)
        shape = self.shape(name)
        labels = None
        label_variable = text_attribute(attributes.get("LABL_PTR_1"))
        if len(shape) == 1 and label_variable in self._inquiries:
            labels = [str(v).strip() for v in np.ravel(self.read(label_variable))]
            if len(labels) != shape[0]:
                labels = None
        axes = []
        for index in range(1, len(shape) + 1):
            depend = text_attribute(attributes.get(f"DEPEND_{index}"))
            if depend not in self._inquiries:
                continue
            depend_attributes = self.attributes(depend)
            values = None if self.record_varying(depend) else self.read(depend)
            axes.append(Axis(
                index=index,
                variable=depend,
                units=text_attribute(depend_attributes.get("UNITS")),
                description=text_attribute(depend_attributes.get("CATDESC"))
                or text_attribute(depend_attributes.get("FIELDNAM")) or depend,
                values=values,
            ))
        cdf_type = self.data_type(name)
        dtype = np.dtype(_NUMPY_TYPES.get(cdf_type, np.float64))
        return Parameter(
            name=name,
            cdf_type=cdf_type,
            dtype=dtype,
            shape=shape,
            units=text_attribute(attributes.get("UNITS")),
            fill=_typed(scalar_attribute(attributes.get("FILLVAL")), dtype),
            description=text_attribute(attributes.get("CATDESC"))
            or text_attribute(attributes.get("FIELDNAM")) or name,
            ucd=text_attribute(attributes.get("UCD")),
            labels=labels,
            axes=axes,
            attributes=attributes,
        )

    def search(self, time_variable, value, side):
        """Return the first record of ``time_variable`` whose epoch is >= ``value`` (``side="left"``) or > it.

        A binary search reading one record per step.
        """
        epoch_type = self.data_type(time_variable)
        key = epochs.epoch_key(value, epoch_type)
        low, high = 0, self.record_count(time_variable)
        while low < high:
            middle = (low + high) // 2
            current = epochs.epoch_key(self.read(time_variable, middle, middle)[0], epoch_type)
            if current < key or (side == "right" and current == key):
                low = middle + 1
            else:
                high = middle
        return low

    def records_between(self, time_variable, start_time=None, stop_time=None, closed=True):
        """Return (first, stop): the records [first, stop) of ``time_variable`` inside an interval.

        ``start_time`` and ``stop_time`` are UTC :class:`~astropy.time.Time`
        (None: the start or end of the file); the stop is included when
        ``closed`` (DataLink's intervals), excluded otherwise (HAPI's).
        """
        epoch_type = self.data_type(time_variable)
        first, stop = 0, self.record_count(time_variable)
        if start_time is not None:
            first = self.search(time_variable, epochs.time_to_epoch(start_time, epoch_type), "left")
        if stop_time is not None:
            stop = self.search(time_variable, epochs.time_to_epoch(stop_time, epoch_type),
                               "right" if closed else "left")
        return first, max(first, stop)


class Slice:
    """The records of some parameters of one file inside a time interval.

    ``first`` and ``stop`` delimit the records [first, stop) of
    ``time_variable``; ``parameters`` lists the :class:`Parameter` columns
    (the requested ones, then the time-varying axes they depend on).
    """

    def __init__(self, file, time_variable, parameters, first, stop, start_time, stop_time):
        self.file = file
        self.time_variable = time_variable
        self.epoch_type = file.data_type(time_variable)
        self.parameters = parameters
        self.first = first
        self.stop = stop
        self.start_time = start_time
        self.stop_time = stop_time

    @property
    def dataset(self):
        """Return the dataset name (Logical_source)."""
        return self.file.dataset

    @property
    def path(self):
        """Return the path of the sliced file."""
        return self.file.path

    @property
    def record_count(self):
        """Return the number of records in the slice."""
        return self.stop - self.first

    def chunk_records(self):
        """Return how many records one chunk holds (about :data:`CHUNK_BYTES` of values)."""
        row = 8 + sum(p.size * p.dtype.itemsize for p in self.parameters)
        return max(1, CHUNK_BYTES // row)

    def chunks(self, records=None):
        """Yield :class:`Chunk` objects covering the slice, ``records`` records at a time."""
        records = records or self.chunk_records()
        for begin in range(self.first, self.stop, records):
            last = min(begin + records, self.stop) - 1
            yield Chunk(
                epochs=self.file.read(self.time_variable, begin, last),
                values={p.name: self.file.read(p.name, begin, last) for p in self.parameters},
            )


def columns(file, names, time_variable):
    """Return the :class:`Parameter` of each of ``names``, then of the time-varying axes they depend on.

    Those axes (``DEPEND_i`` variables with one value per record of
    ``time_variable``) are what a slice needs besides the parameters to
    place their values.
    """
    names = list(names)
    described = [file.describe(p) for p in names]
    for parameter in list(described):
        for axis in parameter.axes:
            if (
                axis.values is None
                and axis.variable not in names
                and file.time_variable(axis.variable) == time_variable
            ):
                names.append(axis.variable)
                described.append(file.describe(axis.variable))
    return described


def open_slice(path, start=None, stop=None, parameters=None):
    """Return the :class:`Slice` of the CDF file ``path`` between ``start`` and ``stop``.

    ``start`` and ``stop`` are ISO 8601 strings or :class:`astropy.time.Time`
    (None: the start or end of the file); the interval is closed.
    ``parameters`` is a list of variable names (None or empty: every data
    parameter on the file's main time axis); they must share one time axis.

    Raises :class:`BadParameter` (``TIME``, ``PARAM``) for a bad interval or
    unknown parameter, :class:`CorruptFile` when the file cannot be read.
    An interval outside the file gives an empty slice.
    """
    start_time = epochs.parse_time(start, "start") if start is not None else None
    stop_time = epochs.parse_time(stop, "stop") if stop is not None else None
    if start_time is not None and stop_time is not None and stop_time < start_time:
        raise BadParameter("TIME", f"stop ({epochs.iso_text(stop_time)}) is before"
                           f" start ({epochs.iso_text(start_time)})")
    file = CdfFile(path)
    allowed = file.parameters()
    if parameters:
        unknown = [p for p in parameters if p not in allowed]
        if unknown:
            raise BadParameter("PARAM", f"unknown parameter {', '.join(unknown)} in {file.dataset}", allowed)
        names = list(dict.fromkeys(parameters))
        axes = {file.time_variable(p) for p in names}
        if len(axes) > 1:
            raise BadParameter(
                "PARAM",
                "parameters on different time axes: "
                + ", ".join(f"{p} ({file.time_variable(p)})" for p in names),
            )
        time_variable = axes.pop()
    else:
        time_variable = file.main_time_variable()
        names = [p for p in allowed if file.time_variable(p) == time_variable]
    described = columns(file, names, time_variable)
    first, stop_record = file.records_between(time_variable, start_time, stop_time)
    stop_record = max(first, min(stop_record, min(file.record_count(p.name) for p in described)))
    if stop_record > first:
        for parameter in described:  # fail now, before any output, on unreadable records
            file.read(parameter.name, first, first)
            file.read(parameter.name, stop_record - 1, stop_record - 1)
    return Slice(file, time_variable, described, first, stop_record, start_time, stop_time)
