"""Warnings handled in one thread leave other threads' warnings alone (the server slices in threads)."""

import concurrent.futures
import threading
import warnings
from types import SimpleNamespace

import numpy as np

from datalink import quiet
from datalink.units import istp_to_vounit
from datalink.votable import fill_of


def test_other_threads_warnings_stay_warnings():
    filters = list(warnings.filters)
    stop, raised = threading.Event(), []

    def warn():
        while not stop.is_set():
            try:
                warnings.warn("a deprecation elsewhere", DeprecationWarning)
            except Warning as error:
                raised.append(error)
                return

    def units():
        for _ in range(100):
            assert istp_to_vounit("nT") == "nT"
            assert istp_to_vounit("no such unit") is None
            with quiet.ignored(RuntimeWarning):
                pass

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            warner = pool.submit(warn)
            for done in [pool.submit(units) for _ in range(3)]:
                done.result(timeout=60)
            stop.set()
            warner.result(timeout=10)
    assert not raised
    assert warnings.filters == filters


def test_collected_warnings_of_a_category():
    with quiet.collected(UserWarning) as found:
        warnings.warn("counted", UserWarning)
        warnings.warn("not counted", DeprecationWarning)
    assert [str(w.message) for w in found] == ["counted"]


def test_fill_values_that_fit_their_type():
    def fill(value, dtype):
        return fill_of(SimpleNamespace(fill=value), dtype)

    assert fill(1e39, "f4") is None and fill(-1e31, "f4") == np.float32(-1e31)
    assert fill(-1e31, "f8") == np.float64(-1e31)
    assert np.isnan(fill(float("nan"), "f4"))
    assert fill(-2147483648, "i4") == np.int32(-2147483648)
    assert fill(-2147483649, "i4") is None
    assert fill(255, "u1") == np.uint8(255) and fill(256, "u1") is None
    assert fill(1.5, "i2") is None and fill(float("nan"), "i2") is None
    assert fill("-1e31", "f4") is None and fill(None, "f4") is None
