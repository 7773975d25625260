"""The transplanet service: runs of the Transplanet ionosphere model at
Earth, Mars and Jupiter, one granule per run.

:func:`granules` turns a directory of products (VOTable profiles with their
PNG previews, see :mod:`ingest.transplanet.product`) into epn_core rows;
``python -m ingest.transplanet.generate`` makes such products.
"""

import os

from ingest.transplanet import product
from ingest.transplanet.granule import granule_from

SERVICE = "transplanet"


def product_files(data_dir):
    """Return the sorted paths of the VOTable products in data_dir."""
    return sorted(os.path.join(data_dir, name) for name in os.listdir(data_dir)
                  if name.startswith(product.PREFIX) and name.endswith(".xml"))


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
