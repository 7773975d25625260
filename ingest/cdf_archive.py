"""A local archive of CDF data files, organised as ``<data_dir>/<dataset id>/**/*.cdf``.

:func:`index` tells, for each dataset id and UTC day, which file holds that
day's data.  The day comes from a ``_YYYYMMDD`` in the file name (the CDAWeb
and AMDA convention); a file without one is opened with cdflib and covers
every day between its first and last epoch.
"""
from __future__ import annotations

import datetime as dt
import os
import re

_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")


def _days_in_file(path):
    """Return the UTC dates covered by the CDF file at ``path`` (by name, else by content)."""
    m = _DATE_IN_NAME.search(os.path.basename(path))
    if m:
        return [dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))]
    return _days_from_epochs(path)


def _days_from_epochs(path):
    import cdflib
    import numpy as np

    cdf = cdflib.CDF(path)
    info = cdf.cdf_info()
    epoch_types = {31, 32, 33}  # CDF_EPOCH, CDF_EPOCH16, CDF_TIME_TT2000
    names = [v for v in info.zVariables + info.rVariables
             if cdf.varinq(v).Data_Type in epoch_types]
    if not names:
        raise ValueError("no epoch variable")
    # The ISTP time axis: the epoch variable with the most records.
    name = max(names, key=lambda v: cdf.varinq(v).Last_Rec)
    last = cdf.varinq(name).Last_Rec
    if last < 0:
        raise ValueError(f"epoch variable {name} has no records")
    ends = [cdf.varget(name, startrec=0, endrec=0), cdf.varget(name, startrec=last, endrec=last)]
    first, stop = (np.datetime64(cdflib.cdfepoch.to_datetime(np.atleast_1d(e))[0], "D").astype(object)
                   for e in ends)
    return [first + dt.timedelta(days=i) for i in range((stop - first).days + 1)]


def index_dataset(top, on_skip=None):
    """Return {date: path} for the CDF files under the dataset directory ``top``.

    A file whose day cannot be told is passed to ``on_skip(path, reason)``
    and left out; of two files for one day, the first in name order is kept.
    """
    days = {}
    for root, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(files):
            if not name.lower().endswith(".cdf"):
                continue
            path = os.path.join(root, name)
            try:
                covered = _days_in_file(path)
            except Exception as exc:  # cdflib raises many kinds on broken files
                if on_skip:
                    on_skip(path, f"unreadable CDF file: {exc}")
                continue
            for day in covered:
                days.setdefault(day, path)
    return days


def index(data_dir, on_skip=None):
    """Return {dataset id: {date: path}} for the CDF files under ``data_dir``.

    A file whose day cannot be told is passed to ``on_skip(path, reason)``
    and left out.  A missing ``data_dir`` gives an empty index.
    """
    found = {}
    if not data_dir or not os.path.isdir(data_dir):
        return found
    for dataset_id in sorted(os.listdir(data_dir)):
        top = os.path.join(data_dir, dataset_id)
        if not os.path.isdir(top):
            continue
        days = index_dataset(top, on_skip)
        if days:
            found[dataset_id] = days
    return found
