"""The illu67p service: illumination maps of the nucleus of comet
67P/Churyumov-Gerasimenko, one granule per epoch of the Rosetta mission.

:func:`granules` turns a directory of products (FITS maps with their PNG
previews, see :mod:`ingest.illu67p.product`) into epn_core rows;
``python -m ingest.illu67p.generate`` makes such products.
"""

from ingest.illu67p import product
from ingest.illu67p.granule import granule_from
from ingest.productdir import ProductDirectory

SERVICE = "illu67p"

PRODUCTS = ProductDirectory(
    service=SERVICE, prefix=product.PREFIX, extension=".fits",
    names="67p_illum_<YYYYMMDDTHHMMSS>.fits with a .png preview of the same name",
    granule_from=granule_from, error=product.ProductError)

product_files = PRODUCTS.product_files
stray_files = PRODUCTS.stray_files
granules = PRODUCTS.granules
