"""Fixtures of the DataLink library tests: the shared CDF files and small files made from them."""

import shutil

import numpy as np
import pytest
from cdflib.epochs import CDFepoch

from cdf_samples import SHARED_CDF, SHARED_FILES, shared
from datalink.cdfout import CdfWriter
from datalink.sample import SampleParameter, write_sample_cdf

@pytest.fixture(scope="session", params=[p.name for p in SHARED_FILES])
def shared_file(request):
    """Each of the shared ISTP CDF files in turn."""
    return SHARED_CDF / request.param


@pytest.fixture(scope="session")
def epoch16_file(tmp_path_factory):
    """A small CDF whose time variable is CDF_EPOCH16 (none of the shared files has one).

    60 records one second apart from 2015-06-30T23:59:30 with a vector ``B``
    whose record 10 is the fill value.
    """
    path = tmp_path_factory.mktemp("epoch16") / "epoch16_test.cdf"
    start = CDFepoch.compute_epoch16([2015, 6, 30, 23, 59, 30, 0, 0, 0, 0])
    times = np.array([complex(start.real + i, 250e9) for i in range(60)])
    values = np.arange(180, dtype=np.float64).reshape(60, 3)
    values[10] = -1e31
    writer = CdfWriter(str(path), cdf_spec={"Majority": "Row_major"})
    writer.write_globalattrs({"Logical_source": {0: "epoch16_test"}, "Project": {0: "test"}})
    writer.write_var(
        {"Variable": "Epoch", "Data_Type": CdfWriter.CDF_EPOCH16, "Num_Elements": 1, "Rec_Vary": True,
         "Dim_Sizes": [], "Var_Type": "zVariable"},
        var_attrs={"VAR_TYPE": "support_data", "FIELDNAM": "Epoch", "CATDESC": "Time"}, var_data=times)
    writer.write_var(
        {"Variable": "B", "Data_Type": CdfWriter.CDF_REAL8, "Num_Elements": 1, "Rec_Vary": True,
         "Dim_Sizes": [3], "Var_Type": "zVariable"},
        var_attrs={"VAR_TYPE": "data", "DEPEND_0": "Epoch", "UNITS": "nT", "CATDESC": "Field",
                   "FILLVAL": [-1e31, "cdf_real8"]},
        var_data=values)
    writer.close()
    return path


@pytest.fixture(scope="session")
def sample_file(tmp_path_factory):
    """A sample CDF of one hour at 1 s: a vector ``b_gse`` and a scalar ``density``."""
    path = tmp_path_factory.mktemp("sample") / "sample_20200101.cdf"
    write_sample_cdf(path, "test_dataset", [
        SampleParameter("b_gse", "nT", -1e31, 3, "Magnetic field, GSE", "phys.magField"),
        {"name": "density", "units": "cm^-3", "fill_value": "-1.0E31", "description": "Ion density"},
    ], "2020-01-01T00:00:00", "2020-01-01T01:00:00", 1.0, seed=7)
    return path


@pytest.fixture()
def truncated_file(tmp_path):
    """The MMS shared file cut to a third of its bytes."""
    source = shared("mms1_fgm")
    path = tmp_path / "truncated.cdf"
    path.write_bytes(source.read_bytes()[: source.stat().st_size // 3])
    return path


@pytest.fixture()
def garbage_file(tmp_path):
    """A file named .cdf that holds no CDF at all."""
    path = tmp_path / "garbage.cdf"
    path.write_bytes(b"this is not a CDF file\n" * 100)
    return path


@pytest.fixture()
def data_root(tmp_path):
    """A data root holding a copy of one shared file in a sub-folder, and a file beside the root."""
    root = tmp_path / "root"
    (root / "ace").mkdir(parents=True)
    shutil.copy(shared("ac_k2_mfi"), root / "ace" / "ac.cdf")
    (tmp_path / "secret.cdf").write_bytes(b"outside")
    (root / "ace" / "link.cdf").symlink_to(tmp_path / "secret.cdf")
    return root
