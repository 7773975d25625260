"""PNG quick-looks of the main parameter of a CDF file, drawn with matplotlib (Agg)."""

import io
import math

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from . import epochs, quiet  # noqa: E402
from .cdfread import CdfFile, Slice  # noqa: E402
from .errors import BadParameter  # noqa: E402

MEDIA_TYPE = "image/png"
MAX_POINTS = 4000


def _thinned(slice_, max_points):
    """Return (datetime64 times, float values) of every n-th record of ``slice_``, fill as NaN.

    n is chosen so that at most ``max_points`` records are kept; the file is
    read chunk by chunk, so memory does not grow with the file.
    """
    parameter = slice_.parameters[0]
    stride = max(1, math.ceil(slice_.record_count / max_points))
    times, values = [], []
    offset = 0
    for chunk in slice_.chunks():
        keep = slice(((-offset) % stride), None, stride)
        offset += chunk.epochs.shape[0]
        data = chunk.values[parameter.name][keep].astype(np.float64)
        if parameter.fill is not None and not isinstance(parameter.fill, str):
            data[data == float(parameter.fill)] = np.nan
        times.append(epochs.to_datetime64(chunk.epochs[keep], slice_.epoch_type))
        values.append(data)
    if not times:
        return np.array([], dtype="datetime64[ns]"), np.zeros((0,) + parameter.shape)
    return np.concatenate(times), np.concatenate(values)


def preview_png(path, parameter=None, max_points=MAX_POINTS):
    """Return the PNG bytes of a quick-look of ``parameter`` (default: the file's main parameter).

    Scalars and vectors are drawn as time series (one line per component,
    labelled from LABL_PTR_1); spectra as a time/channel colour map of the
    values averaged over any further dimension.
    """
    file = CdfFile(path)
    name = parameter or file.main_parameter()
    if name not in file.parameters():
        raise BadParameter("PARAM", f"unknown parameter {name}", file.parameters())
    time_variable = file.time_variable(name)
    described = file.describe(name)
    slice_ = Slice(file, time_variable, [described], 0, min(file.record_count(time_variable),
                   file.record_count(name)), None, None)
    times, values = _thinned(slice_, max_points)
    figure = Figure(figsize=(8, 3.6), dpi=100)
    axes = figure.add_subplot()
    units = f" [{described.units}]" if described.units else ""
    axes.set_title(f"{file.dataset}: {name}", fontsize=10)
    axes.set_xlabel(f"{time_variable} (UTC)")
    if values.ndim >= 2 and values.shape[1] > 4:
        channels = values.reshape(values.shape[0], values.shape[1], -1)
        with np.errstate(all="ignore"), quiet.ignored(RuntimeWarning):
            channels = np.nanmean(channels, axis=2)
            positive = channels[np.isfinite(channels) & (channels > 0)]
            shown = np.log10(channels) if positive.size else channels
        shown = np.ma.masked_invalid(shown)
        mesh = axes.pcolormesh(times, np.arange(channels.shape[1]), shown.T, shading="nearest")
        colorbar = figure.colorbar(mesh, ax=axes)
        colorbar.set_label(("log10 " if positive.size else "") + name + units, fontsize=8)
        axes.set_ylabel("channel")
    else:
        series = values.reshape(values.shape[0], -1)
        labels = described.labels or [name] * series.shape[1]
        for index in range(series.shape[1]):
            axes.plot(times, series[:, index], linewidth=0.7, label=labels[index])
        axes.set_ylabel(name + units)
        if series.shape[1] > 1:
            axes.legend(fontsize=7, loc="upper right")
    if times.size == 0:
        axes.text(0.5, 0.5, "no records", transform=axes.transAxes, ha="center")
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
