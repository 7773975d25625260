"""Sample ISTP CDF files for datasets described by SPASE parameters.

:func:`write_sample_cdf` writes a file that passes the ISTP guidelines
(TT2000 ``Epoch``, ``DEPEND_0``, ``FILLVAL``, ``VALIDMIN``/``VALIDMAX``,
labels, the mandatory global attributes) with deterministic values, so that
a server can be brought up and tested without the real archive.
"""

import zlib
from dataclasses import dataclass

import numpy as np

from . import epochs
from .cdfout import CdfWriter

TT2000_FILL = np.int64(-9223372036854775808)


@dataclass
class SampleParameter:
    """What a sample file needs to know about one parameter (as a SPASE Parameter gives it).

    ``size`` is the vector length (None for a scalar); ``display_type`` the
    ISTP DISPLAY_TYPE (``time_series`` or ``spectrogram``).
    """

    name: str
    units: str = ""
    fill_value: float = -1e31
    size: int | None = None
    description: str = ""
    ucd: str | None = None
    display_type: str = "time_series"


def _field(parameter, names, default=None):
    """Return the first of the attributes/keys ``names`` that ``parameter`` has, else ``default``."""
    for name in names:
        if isinstance(parameter, dict):
            if parameter.get(name) is not None:
                return parameter[name]
        elif getattr(parameter, name, None) is not None:
            return getattr(parameter, name)
    return default


def as_sample_parameter(parameter):
    """Return a :class:`SampleParameter` from a dict or any object with the same fields.

    ``fill``/``fill_value`` and ``description``/``desc`` are both understood;
    a fill value given as text (``"NaN"``, ``"-1.0E31"``) is converted to a
    float.  A SPASE :class:`~spase.records.Parameter` works too: its
    ParameterKey names the variable, its Sizes give the vector length and a
    Spectrogram DisplayType makes a spectrogram.
    """
    if isinstance(parameter, SampleParameter):
        return parameter
    fill = _field(parameter, ("fill_value", "fill", "FILLVAL"), -1e31)
    try:
        fill = float(fill)
    except (TypeError, ValueError):
        fill = -1e31
    size = _field(parameter, ("size", "vector_size"))
    sizes = _field(parameter, ("sizes",))
    if size is None and sizes:
        size = int(np.prod([int(s) for s in sizes]))
    size = int(size) if size not in (None, "", 0, 1, "1") else None
    displays = [str(d).lower() for d in (_field(parameter, ("display_types",)) or [])]
    display = _field(parameter, ("display_type",)) or ("spectrogram" if "spectrogram" in displays else "time_series")
    name = _field(parameter, ("parameter_key", "name", "key"))
    description = _field(parameter, ("description", "desc"), "") or ""
    if _field(parameter, ("parameter_key",)) and _field(parameter, ("name",)) not in (None, name):
        description = f"{_field(parameter, ('name',))}: {description}".rstrip(": ")
    return SampleParameter(
        name=str(name),
        units=str(_field(parameter, ("units", "unit"), "") or ""),
        fill_value=fill,
        size=size,
        description=str(description),
        ucd=_field(parameter, ("ucd",)),
        display_type=str(display),
    )


def sample_values(parameter, count, seed):
    """Return deterministic float32 values of ``parameter`` for ``count`` records.

    A slow oscillation plus noise, one phase per component, with a block of
    fill values (0.5 % of the records, at least one) a third of the way in.
    """
    rng = np.random.default_rng([seed, zlib.crc32(parameter.name.encode())])
    components = parameter.size or 1
    phase = np.arange(count, dtype=np.float32) * np.float32(2 * np.pi / max(count, 1))
    values = np.empty((count, components), dtype=np.float32)
    for component in range(components):
        offset = np.float32(2 * np.pi * component / components)
        values[:, component] = 10 * np.sin(phase + offset) + rng.standard_normal(count, dtype=np.float32)
    if parameter.size is None:
        values = np.abs(values[:, 0]) + np.float32(1)
    if count:
        gap = max(1, count // 200)
        values[count // 3 : count // 3 + gap] = np.float32(parameter.fill_value)
    return values


def _per_component(parameter, value):
    """Return ``value`` as a float32 scalar, or one per component for a vector parameter."""
    if parameter.size:
        return np.full(parameter.size, value, dtype=np.float32)
    return np.float32(value)


def _global_attributes(dataset_id, start, extra):
    """Return the ISTP global attributes of a sample file of ``dataset_id`` (``extra`` overrides)."""
    source = dataset_id.split("_")[0].split("-")[0]
    day = start.strftime("%Y%m%d")
    attributes = {
        "Project": "CDPP>Centre de Donnees de la Physique des Plasmas",
        "Source_name": f"{source.upper()}>{source.upper()} sample",
        "Discipline": "Space Physics>Magnetospheric Science",
        "Data_type": "SAMPLE>Sample data",
        "Descriptor": f"{dataset_id.upper()}>{dataset_id} sample",
        "Data_version": "01",
        "Logical_source": dataset_id,
        "Logical_file_id": f"{dataset_id}_{day}_v01",
        "Logical_source_description": f"Sample values of the AMDA dataset {dataset_id}",
        "PI_name": "CDPP/AMDA team",
        "PI_affiliation": "IRAP, Toulouse, France",
        "TEXT": f"Deterministic sample data standing in for the AMDA dataset {dataset_id}.",
        "Instrument_type": "Magnetic Fields (space)",
        "Mission_group": source.upper(),
        "Generated_by": "CDPP EPN-TAP server (datalink.sample)",
    }
    attributes.update(extra or {})
    return {name: {0: value} for name, value in attributes.items()}


def write_sample_cdf(path, dataset_id, parameters, start, stop, cadence_s, seed=0, global_attributes=None):
    """Write an ISTP-valid sample CDF of ``dataset_id`` to ``path`` and return ``path``.

    ``parameters`` are :class:`SampleParameter`, dicts or objects with the
    same fields (name, units, fill_value, size, description, ucd); ``start``
    and ``stop`` (ISO 8601 or :class:`astropy.time.Time`) bound the records,
    stop excluded, every ``cadence_s`` seconds; ``seed`` makes the values
    reproducible; ``global_attributes`` override the generated ones.
    """
    start_time = epochs.parse_time(start, "start")
    stop_time = epochs.parse_time(stop, "stop")
    step = int(round(cadence_s * 1e9))
    first = epochs.time_to_epoch(start_time, epochs.TT2000)
    last = epochs.time_to_epoch(stop_time, epochs.TT2000)
    count = max(0, -(-(last - first) // step))
    epoch_values = first + np.arange(count, dtype=np.int64) * np.int64(step)
    writer = CdfWriter(str(path), cdf_spec={"Majority": "Row_major", "Encoding": 6})
    try:
        writer.write_globalattrs(_global_attributes(dataset_id, start_time.datetime, global_attributes))
        writer.write_var(
            {"Variable": "Epoch", "Data_Type": CdfWriter.CDF_TIME_TT2000, "Num_Elements": 1,
             "Rec_Vary": True, "Dim_Sizes": [], "Var_Type": "zVariable"},
            var_attrs={
                "FIELDNAM": "Time", "CATDESC": "Time of the sample, TT2000", "LABLAXIS": "Epoch",
                "UNITS": "ns", "VAR_TYPE": "support_data", "MONOTON": "INCREASE",
                "TIME_BASE": "J2000", "TIME_SCALE": "Terrestrial Time",
                "REFERENCE_POSITION": "Rotating Earth Geoid", "SCALETYP": "linear",
                "FILLVAL": [TT2000_FILL, "cdf_time_tt2000"],
                "VALIDMIN": [np.int64(epochs.time_to_epoch(epochs.parse_time("1990-01-01", "VALIDMIN"), epochs.TT2000)), "cdf_time_tt2000"],
                "VALIDMAX": [np.int64(epochs.time_to_epoch(epochs.parse_time("2100-01-01", "VALIDMAX"), epochs.TT2000)), "cdf_time_tt2000"],
            },
            var_data=epoch_values,
        )
        del epoch_values
        for index, parameter in enumerate(as_sample_parameter(p) for p in parameters):
            values = sample_values(parameter, count, seed + index)
            description = parameter.description or parameter.name
            attributes = {
                "FIELDNAM": parameter.name[:30], "CATDESC": description[:80], "DEPEND_0": "Epoch",
                "UNITS": parameter.units or " ", "VAR_TYPE": "data", "DISPLAY_TYPE": parameter.display_type,
                "FILLVAL": [np.float32(parameter.fill_value), "cdf_real4"],
                "VALIDMIN": [_per_component(parameter, 0.0 if parameter.size is None else -1000.0), "cdf_real4"],
                "VALIDMAX": [_per_component(parameter, 1000.0), "cdf_real4"],
                "FORMAT": "E12.4", "SCALETYP": "linear",
            }
            if parameter.ucd:
                attributes["UCD"] = parameter.ucd
            dims = []
            if parameter.size:
                dims = [parameter.size]
                label_variable = f"{parameter.name}_LABL"
                labels = [f"{parameter.name}[{i}]" for i in range(parameter.size)]
                width = max(len(label) for label in labels)
                writer.write_var(
                    {"Variable": label_variable, "Data_Type": CdfWriter.CDF_CHAR, "Num_Elements": width,
                     "Rec_Vary": False, "Dim_Sizes": [parameter.size], "Var_Type": "zVariable"},
                    var_attrs={"FIELDNAM": label_variable, "CATDESC": f"Component labels of {parameter.name}",
                               "VAR_TYPE": "metadata"},
                    var_data=np.array([label.ljust(width) for label in labels]),
                )
                attributes["LABL_PTR_1"] = label_variable
                if parameter.display_type == "spectrogram":
                    channel_variable = f"{parameter.name}_channel"
                    writer.write_var(
                        {"Variable": channel_variable, "Data_Type": CdfWriter.CDF_INT2, "Num_Elements": 1,
                         "Rec_Vary": False, "Dim_Sizes": [parameter.size], "Var_Type": "zVariable"},
                        var_attrs={"FIELDNAM": channel_variable, "CATDESC": f"Channel numbers of {parameter.name}",
                                   "VAR_TYPE": "support_data", "UNITS": " ",
                                   "FILLVAL": [np.int16(-32768), "cdf_int2"],
                                   "VALIDMIN": [np.int16(0), "cdf_int2"],
                                   "VALIDMAX": [np.int16(parameter.size - 1), "cdf_int2"]},
                        var_data=np.arange(parameter.size, dtype=np.int16),
                    )
                    attributes["DEPEND_1"] = channel_variable
            else:
                attributes["LABLAXIS"] = parameter.name[:30]
            writer.write_var(
                {"Variable": parameter.name, "Data_Type": CdfWriter.CDF_REAL4, "Num_Elements": 1,
                 "Rec_Vary": True, "Dim_Sizes": dims, "Var_Type": "zVariable"},
                var_attrs=attributes,
                var_data=values,
            )
            del values
    finally:
        writer.close()
    return path
