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


#: What the products of the data directory are called (for messages).
PRODUCT_NAMES = "transplanet_<planet>_<YYYYMMDDTHHMM>_lat<LL>_lt<HH.H>_f<FFF>.xml with a .png preview of the same name"


def product_files(data_dir):
    """Return the sorted paths of the product files in data_dir."""
    return sorted(os.path.join(data_dir, name) for name in os.listdir(data_dir)
                  if name.startswith(product.PREFIX) and name.endswith(".xml"))


def stray_files(data_dir):
    """Return (file name, reason) for each file of data_dir that is neither a
    product nor the preview of one (hidden files aside), sorted by name."""
    names = sorted(name for name in os.listdir(data_dir) if not name.startswith("."))
    stems = {os.path.splitext(name)[0] for name in names
             if name.startswith(product.PREFIX) and name.endswith(".xml")}
    strays = []
    for name in names:
        stem, extension = os.path.splitext(name)
        if name.startswith(product.PREFIX) and extension in (".xml", ".png"):
            if extension == ".png" and stem not in stems:
                strays.append((name, "preview without its product .xml"))
        else:
            strays.append((name, f"not a product of {SERVICE} (products are {PRODUCT_NAMES})"))
    return strays


def granules(data_dir, on_skip=None):
    """Yield one granule dict per product of data_dir, in file name order;
    call on_skip(file name, reason) for each broken product and each stray
    file, and go on."""
    data_dir = str(data_dir)
    if on_skip is not None:
        for name, reason in stray_files(data_dir):
            on_skip(name, reason)
    for path in product_files(data_dir):
        try:
            row = granule_from(path)
        except product.ProductError as exc:
            if on_skip is not None:
                on_skip(os.path.basename(path), str(exc))
            continue
        yield row
