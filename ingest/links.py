"""The identifiers and URLs of a granule, for every service: its publisher
DID, its DataLink document, its product file as DaCHS serves it."""

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


def product_links(service, granule_uid, file_name, settings):
    """Return the access_url, datalink_url and thumbnail_url of a granule whose
    product file, in the service's data directory, is file_name: DaCHS serves
    the file and its preview (getproduct), the DataLink service the links."""
    server = settings["CDPP_SERVER_URL"]
    url = product_url(data_accref(service, file_name), server)
    return {
        "access_url": url,
        "datalink_url": datalink_url(service, granule_uid, server, settings["CDPP_AUTHORITY"]),
        "thumbnail_url": url + "?preview=True",
    }
