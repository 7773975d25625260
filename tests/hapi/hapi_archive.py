"""The test archive of the HAPI tests: datasets made of the shared CDF files, and helpers.

Each shared file is the one file of a dataset whose SPASE record is the
sample's MMS record under another id; ``two-days`` holds two sample files
of consecutive days, ``restricted-set`` a record whose AccessRights are
PartiallyRestricted, ``broken-set`` a truncated file and ``half-broken-set``
a good file (ACE, 2022-01-01) and a truncated one of the next day.
"""

import shutil
from collections import namedtuple
from pathlib import Path

import orjson

from datalink.sample import SampleParameter
from instance.settings import REPO

SHARED_CDF = REPO / "tests" / "datalink" / "data"
SAMPLE_SPASE = REPO / "resources" / "amdadb" / "data" / "spase"
TEMPLATE = SAMPLE_SPASE / "NumericalData" / "CDPP-AMDA" / "MMS" / "MMS1" / "FGM" / "mms1-fgm-brst.xml"
#: The HAPI id of each shared file's dataset.
SHARED = {"ac-k2-mfi": "ac_k2_mfi_20220101_v03.cdf", "de2-ion2s-rpa": "de2_ion2s_rpa_19830213_v01.cdf",
          "mms1-fgm-brst": "mms1_fgm_brst_l2_sample.cdf", "psp-fld-mag": "psp_fld_l2_mag_rtn_1min_20200104_v02.cdf",
          "psp-isois-epilo": "psp_isois-epilo_l2-ic_20190401_v0.0.0.cdf",
          "rbspa-hope-pa": "rbspa_rel04_ect-hope-PA-L3_20121201_v0.0.0.cdf"}
TWO_DAYS = "two-days"
RESTRICTED = "restricted-set"
BROKEN = "broken-set"
HALF_BROKEN = "half-broken-set"
TWO_DAYS_PARAMETERS = [SampleParameter("b_gse", "nT", -1e31, 3, "Magnetic field, GSE", "phys.magField"),
                       SampleParameter("density", "cm^-3", -1e31, None, "Ion density")]

Response = namedtuple("Response", "status headers body")


def add_record(spase_dir, dataset_id, rights="Open"):
    """Write the sample's MMS record under ``dataset_id`` (and ``rights``) into ``spase_dir``."""
    text = TEMPLATE.read_text(encoding="utf-8").replace("mms1-fgm-brst", dataset_id)
    text = text.replace("<AccessRights>Open</AccessRights>", f"<AccessRights>{rights}</AccessRights>")
    (spase_dir / "NumericalData" / f"{dataset_id}.xml").write_text(text, encoding="utf-8")


def add_file(data_dir, dataset_id, source, name=None):
    """Copy ``source`` into the dataset's directory of the archive; return the copy's path."""
    directory = data_dir / dataset_id
    directory.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(source, directory / (name or Path(source).name)))


def json_of(response):
    """Return the JSON document of a response."""
    return orjson.loads(response.body)
