"""Text of numbers: the rows made through orjson are those of numpy's shortest round-trip texts."""

import numpy as np
import pytest

from datalink.textformat import number_texts, row_texts

RNG = np.random.default_rng(7)


def _numpy_rows(values, end, sep=b" "):
    return [b"".join(sep + text for text in row) + end for row in number_texts(values).tolist()]


@pytest.mark.parametrize("dtype", ["<f4", "<f8", ">f4"])
def test_float_rows_match_numpy(dtype):
    size = np.dtype(dtype).itemsize
    bits = RNG.integers(0, 2 ** (8 * size) - 1, 300_000, dtype=f"u{size}", endpoint=True).view(f"f{size}")
    magnitudes = 10.0 ** RNG.uniform(-6, 16, 300_000) * RNG.choice([-1.0, 1.0], 300_000)
    special = [0.0, -0.0, np.nan, np.inf, -np.inf, -1e31, 1e-4, 2e-4, 1e12, 1e13, 123456789.0, 1e15, 0.1, 0.5, -2.0]
    with np.errstate(over="ignore"):
        values = np.concatenate([bits, magnitudes.astype(f"f{size}"), np.array(special, f"f{size}")])
    values = values.astype(dtype).reshape(-1, 3)
    assert row_texts(values, b"\n") == _numpy_rows(values, b"\n")
    # comma-separated (HAPI's csv): the same texts
    assert row_texts(values, b"\n", b",") == _numpy_rows(values, b"\n", b",")


@pytest.mark.parametrize("dtype", ["i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"])
def test_integer_rows_match_numpy(dtype):
    info = np.iinfo(dtype)
    values = RNG.integers(info.min, info.max, 30_000, dtype=dtype, endpoint=True).reshape(-1, 2)
    assert row_texts(values) == _numpy_rows(values, b"")
    assert row_texts(values, sep=b",") == _numpy_rows(values, b"", b",")


def test_special_values_and_scalars():
    values = np.array([[np.nan], [np.inf], [-np.inf], [1.0], [-1e31]], dtype="f4")
    assert row_texts(values, b";") == [b" NaN;", b" +Inf;", b" -Inf;", b" 1.0;", b" -1e+31;"]
    assert row_texts(values, b";", b",") == [b",NaN;", b",+Inf;", b",-Inf;", b",1.0;", b",-1e+31;"]
    assert row_texts(np.zeros((0, 3), "f8")) == []


def test_float32_text_is_not_cut():
    values = np.array([[-1.5e15, -1.2345679e-38]], dtype="f4")
    assert row_texts(values) == [b" -1500000000000000.0 -1.2345679e-38"]
