"""The HAPI ``info`` of a dataset, from its SPASE record and the variables of its newest CDF file.

:func:`describe` returns a :class:`Description`: the ``info`` object and the
columns the data endpoint writes.  The parameters are those DataLink slices
by default: the file's data variables on its main time axis, then the
time-varying axes (``DEPEND_i``) they depend on; the time parameter (``Time``)
is that axis, written with the decimals of its CDF epoch type.  ``startDate`` and
``stopDate`` are the first and last records of the archive's first and last
files (the newest that can be read, of the last five); the sample interval
is the first hour of that file, in whole seconds.
"""

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from datalink import cdfread, epochs
from datalink.errors import DataLinkError
from datalink.textformat import number_texts

from .errors import HapiError

LOG = logging.getLogger("hapi")
HAPI_VERSION = "3.3"
#: numpy types written as HAPI integers (4-byte signed); the others are doubles.
_INTEGER_KINDS = (np.int8, np.int16, np.int32, np.uint8, np.uint16)
#: The length of the sample interval.
SAMPLE = np.timedelta64(3600, "s")
#: The name HAPI clients expect of the time parameter.
TIME_NAME = "Time"


@dataclass(frozen=True)
class Column:
    """A parameter of the data stream: its CDF description, HAPI type and fill value as written."""

    parameter: cdfread.Parameter
    integer: bool
    #: The fill value as a double (what binary output writes for fill), or None.
    fill: float | None

    @property
    def name(self):
        return self.parameter.name


@dataclass(frozen=True)
class Description:
    """What the server knows of a dataset's layout: its info object, time axis and columns."""

    info: dict
    time_variable: str
    #: The name of the time parameter in HAPI (Time, unless a data variable has that name).
    time_name: str
    digits: int
    columns: tuple
    #: When its record or files last changed (a Unix time).
    modified: float

    @property
    def time_length(self):
        """Return the length of the time texts (``YYYY-MM-DDThh:mm:ss.fff…Z``)."""
        return 21 + self.digits


def _fill_text(parameter):
    """Return the text of a parameter's fill value as its data are written, or None."""
    if parameter.fill is None or not isinstance(parameter.fill, (int, float, np.number)):
        return None
    try:
        value = np.asarray([parameter.fill], dtype=parameter.dtype)
    except (OverflowError, ValueError):
        return None
    return number_texts(value)[0].decode()


def _bins(parameter, names):
    """Return the HAPI bins of an array parameter from its DEPEND_i axes, or None when one is unknown."""
    bins = []
    axes = {axis.index: axis for axis in parameter.axes}
    for index, size in enumerate(parameter.shape, 1):
        axis = axes.get(index)
        if axis is None:
            return None
        if axis.values is None:
            if axis.variable not in names:
                return None
            centers = axis.variable
        else:
            values = np.asarray(axis.values)
            if values.dtype.kind not in "iuf" or values.shape != (size,) or not np.isfinite(values).all():
                return None
            centers = [float(v) for v in values]
        bins.append({"name": axis.variable, "units": axis.units or "dimensionless", "centers": centers,
                     "description": axis.description})
    return bins


def _spase_parameter(record, name):
    """Return the SPASE Parameter whose ParameterKey or Name is ``name``, or None."""
    lowered = name.lower()
    return next((p for p in record.parameters
                 if (p.parameter_key or "").lower() == lowered or (p.name or "").lower() == lowered), None)


def parameter_info(parameter, names, record):
    """Return the HAPI parameter object of a CDF :class:`~datalink.cdfread.Parameter`.

    ``names`` are the parameters served with it (what a time-varying bin
    centre may name); ``record`` is the SPASE record, whose Parameter of
    the same key or name adds its coordinate system.
    """
    integer = parameter.dtype.type in _INTEGER_KINDS
    info = {"name": parameter.name, "type": "integer" if integer else "double",
            "units": parameter.units, "fill": _fill_text(parameter)}
    if parameter.shape:
        info["size"] = list(parameter.shape)
    info["description"] = parameter.description
    if parameter.labels and len(parameter.shape) == 1 and len(parameter.labels) == parameter.shape[0] \
            and all(parameter.labels):
        info["label"] = list(parameter.labels)
    else:
        label = cdfread.text_attribute(parameter.attributes.get("LABLAXIS"))
        if label:
            info["label"] = label
    if parameter.shape:
        bins = _bins(parameter, names)
        if bins:
            info["bins"] = bins
    spase = _spase_parameter(record, parameter.name)
    if spase is not None and spase.coordinate_system and spase.coordinate_system.name:
        info["coordinateSystemName"] = spase.coordinate_system.name
    return info


def _bounds(file, time_variable):
    """Return the datetime64 of the first and last records of ``time_variable``."""
    count = file.record_count(time_variable)
    if count == 0:
        return None, None
    raw = np.concatenate([file.read(time_variable, 0, 0), file.read(time_variable, count - 1, count - 1)])
    first, last = epochs.to_datetime64(raw, file.data_type(time_variable))
    return first, last


def _text(time64, digits):
    """Return the HAPI text of a datetime64 with ``digits`` decimals (none: whole seconds)."""
    text = epochs.iso_bytes(np.array([time64], dtype="datetime64[ns]"), max(digits, 3))[0].decode()
    return (text if digits else text[:19]) + "Z"


def _second(time64):
    """Return a datetime64 cut to its second."""
    return np.datetime64(time64, "s").astype("datetime64[ns]")


def _first_record(path, time_variable):
    """Return the datetime64 of a file's first record, or None (logged) when it cannot be read."""
    try:
        file = cdfread.CdfFile(path)
        return _bounds(file, time_variable if time_variable in file.variables else file.main_time_variable())[0]
    except DataLinkError as error:
        LOG.error("HAPI: %s", error)
        return None


#: How many files, from the newest back, are tried for a dataset's description.
TRIED_FILES = 5


def _newest_readable(files):
    """Return the :class:`~datalink.cdfread.CdfFile` of the newest of ``files`` that can be read.

    The files tried and found broken are logged; raises the error of the
    last one tried when none of the newest :data:`TRIED_FILES` can be read.
    """
    for number, (path, _, _) in enumerate(reversed(files[-TRIED_FILES:]), 1):
        try:
            file = cdfread.CdfFile(path)
            file.main_time_variable()
            return file
        except DataLinkError as error:
            LOG.error("HAPI: %s", error)
            if number == min(TRIED_FILES, len(files)):
                raise


def describe(dataset, settings, files):
    """Return the :class:`Description` of a :class:`~hapi.catalog.Dataset` whose
    :meth:`~hapi.catalog.Dataset.files` are ``files``.

    Raises :class:`HapiError` 1500 when its files cannot be read.
    """
    if not files:
        raise HapiError(1500, f"no readable data file of {dataset.id} in the archive")
    try:
        newest = _newest_readable(files)
        time_variable = newest.main_time_variable()
        names = [name for name in newest.parameters() if newest.time_variable(name) == time_variable]
        described = cdfread.columns(newest, names, time_variable)
        epoch_type = newest.data_type(time_variable)
        sample_start, stop = _bounds(newest, time_variable)
    except DataLinkError as error:
        raise HapiError(1500, f"a data file of {dataset.id} cannot be read") from error
    digits = epochs.ISO_DIGITS[epoch_type]
    first_path, first_day, _ = files[0]
    start = sample_start if Path(first_path) == newest.path else _first_record(first_path, time_variable)
    if start is None or np.isnat(start):
        start = np.datetime64(first_day, "ns")
    if start is None or stop is None or np.isnat(start) or np.isnat(stop):
        raise HapiError(1500, f"the data files of {dataset.id} hold no time")
    served = [p.name for p in described]
    record, mapped = dataset.record, dataset.mapped
    info = {"HAPI": HAPI_VERSION, "status": {"code": 1200, "message": "OK"},
            "startDate": _text(start, digits), "stopDate": _text(stop, digits),
            "sampleStartDate": _text(_second(sample_start), 0),
            "sampleStopDate": _text(_second(min(sample_start + SAMPLE, stop)) + np.timedelta64(1, "s"), 0)}
    if record.cadence is not None:
        info["cadence"] = record.cadence.text
    time_name = TIME_NAME if TIME_NAME not in served else time_variable
    info["parameters"] = ([{"name": time_name, "type": "isotime", "units": "UTC", "fill": None,
                            "length": 21 + digits,
                            "description": f"Time of the record (UTC): the CDF variable {time_variable}"}]
                          + [parameter_info(p, served, record) for p in described])
    if record.header.description:
        info["description"] = record.header.description
    info["resourceID"] = record.resource_id
    landing = mapped.constants.get("external_link")
    if landing:
        info["resourceURL"] = landing
        info["additionalMetadata"] = [{"name": "SPASE", "contentURL": landing.rsplit(".html", 1)[0] + ".xml",
                                       "aboutURL": "https://spase-group.org"}]
    if record.header.doi:
        doi = record.header.doi
        info["datasetCitation"] = doi if doi.startswith("http") else "https://doi.org/" + doi.removeprefix("doi:")
    if record.header.release_date is not None:
        info["modificationDate"] = record.header.release_date.strftime("%Y-%m-%dT%H:%M:%SZ")
    investigators = [c.person_id for c in record.header.contacts if "PrincipalInvestigator" in c.roles]
    if investigators:
        info["contactID"] = investigators[0]
    info["x_epntap"] = {"table": "amdadb.epn_core", "granule_gid": mapped.dataset_id,
                        "tap": settings["CDPP_SERVER_URL"].rstrip("/") + "/tap"}
    columns = tuple(Column(p, entry["type"] == "integer", None if entry["fill"] is None else float(entry["fill"]))
                    for p, entry in zip(described, info["parameters"][1:]))
    modified = max(os.stat(path).st_mtime for path in (record.path, files[0][0], files[-1][0]))
    return Description(info, time_variable, time_name, digits, columns, modified)


def cache_key(dataset, files):
    """Return what a dataset's :class:`Description` depends on: its record and the first and last of its ``files``."""
    stamp = [(path, os.stat(path).st_mtime_ns) for path, _, _ in (files[:1] + files[-1:])]
    return dataset.id, dataset.record.path, os.stat(dataset.record.path).st_mtime_ns, tuple(stamp)


def subset(description, requested):
    """Return the columns of ``description`` named in ``requested`` (a ``parameters`` value), in order.

    An empty or missing value means every column; the time parameter may be
    named and is always written.  Raises :class:`HapiError` 1407 for an
    unknown name, 1411 for a duplicate or one out of the info's order.
    """
    if not requested:
        return description.columns
    names = requested.split(",")
    order = {description.time_name: -1, **{c.name: i for i, c in enumerate(description.columns)}}
    unknown = [name for name in names if name not in order]
    if unknown:
        raise HapiError(1407, f"{len(unknown)} of the parameters asked for are not in this dataset")
    positions = [order[name] for name in names]
    if len(set(positions)) != len(positions):
        raise HapiError(1411, "a parameter is named twice")
    if positions != sorted(positions):
        raise HapiError(1411, "the parameters are not in the order of the info response")
    return tuple(description.columns[p] for p in positions if p >= 0)


def subset_info(description, columns):
    """Return the info object of ``description`` restricted to ``columns`` (the time parameter first)."""
    wanted = {c.name for c in columns}
    info = dict(description.info)
    info["parameters"] = [p for i, p in enumerate(description.info["parameters"]) if i == 0 or p["name"] in wanted]
    return info
