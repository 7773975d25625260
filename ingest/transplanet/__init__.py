"""The transplanet service: runs of the Transplanet ionosphere model at
Earth, Mars and Jupiter, one granule per run.

:func:`granules` turns a directory of products (VOTable profiles with their
PNG previews, see :mod:`ingest.transplanet.product`) into epn_core rows;
``python -m ingest.transplanet.generate`` makes such products.
"""

from ingest.transplanet import product
from ingest.transplanet.granule import granule_from
from ingest.productdir import ProductDirectory

SERVICE = "transplanet"

PRODUCTS = ProductDirectory(
    service=SERVICE, prefix=product.PREFIX, extension=".xml",
    names="transplanet_<planet>_<YYYYMMDDTHHMM>_lat<LL>_lt<HH.H>_f<FFF>.xml with a .png preview of the same name",
    granule_from=granule_from, error=product.ProductError)

product_files = PRODUCTS.product_files
stray_files = PRODUCTS.stray_files
granules = PRODUCTS.granules
