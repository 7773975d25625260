"""The identifiers and URLs of a granule, for every service: its publisher
DID, its DataLink document, its product file as DaCHS serves it."""

import math
import os
import urllib.parse


def publisher_did(service, granule_uid, authority):
    """Return the publisher DID of a granule: ivo://<authority>/~?<service>/<granule_uid>."""
    return f"ivo://{authority}/~?{service}/{granule_uid}"


def datalink_url(service, granule_uid, server_url, authority):
    """Return the URL of a granule's DataLink document."""
    did = urllib.parse.quote(publisher_did(service, granule_uid, authority), safe="")
    return f"{server_url.rstrip('/')}/{service}/q/dl/dlmeta?ID={did}"


def product_url(accref, server_url):
    """Return the URL DaCHS serves a product under (its accref below the inputs directory)."""
    return f"{server_url.rstrip('/')}/getproduct/{urllib.parse.quote(accref)}"


def data_accref(service, file_name):
    """Return the DaCHS access reference of a file of the service's data directory."""
    return f"{service}/data/{file_name}"


def product_links(service, granule_uid, path, mime, settings):
    """Return the columns and DaCHS product keys of a granule whose product
    file (in the service's data directory) is path, with a PNG preview of the
    same name: access_url, access_format, access_estsize, file_name,
    datalink_url, thumbnail_url (DaCHS serves the file and its preview,
    getproduct; the DataLink service the links), and the prodtbl* keys of
    DaCHS's products table."""
    name = os.path.basename(path)
    size = os.path.getsize(path)
    accref = data_accref(service, name)
    url = product_url(accref, settings["CDPP_SERVER_URL"])
    return {
        "access_url": url,
        "access_format": mime,
        "access_estsize": max(1, math.ceil(size / 1024)),
        "file_name": name,
        "datalink_url": datalink_url(service, granule_uid, settings["CDPP_SERVER_URL"],
                                     settings["CDPP_AUTHORITY"]),
        "thumbnail_url": url + "?preview=True",
        "prodtblAccref": accref,
        "prodtblPath": accref,
        "prodtblFsize": size,
        "prodtblMime": mime,
        "prodtblPreview": data_accref(service, os.path.splitext(name)[0] + ".png"),
        "prodtblPreviewMime": "image/png",
    }
