"""The illu67p service: illumination maps of the nucleus of comet
67P/Churyumov-Gerasimenko, one granule per epoch of the Rosetta mission.

:func:`granules` turns a directory of products (FITS maps with their PNG
previews, see :mod:`ingest.illu67p.product`) into epn_core rows;
``python -m ingest.illu67p.generate`` makes such products.
"""

import os

from ingest.illu67p import product
from ingest.illu67p.granule import granule_from

SERVICE = "illu67p"


def product_files(data_dir):
    """Return the sorted paths of the FITS maps in data_dir."""
    return sorted(os.path.join(data_dir, name) for name in os.listdir(data_dir)
                  if name.startswith(product.PREFIX) and name.endswith(".fits"))


def granules(data_dir, on_skip=None):
    """Yield one granule dict per product of data_dir, in file name order;
    call on_skip(file name, reason) for each broken product and go on."""
    for path in product_files(str(data_dir)):
        try:
            row = granule_from(path)
        except product.ProductError as exc:
            if on_skip is not None:
                on_skip(os.path.basename(path), str(exc))
            continue
        yield row
