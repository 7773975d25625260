"""The DaCHS side of the DataLink services: descriptors, links, parameters and responses.

The ``datalinkCore`` of a service RD stays thin: its descriptor generator
calls :func:`make_descriptor`, its meta makers :func:`links` and
:func:`input_keys`, its data function :func:`response`.  A granule is found
by its publisher DID (``ivo://<authority>/~?<service>/<granule_uid>``) in
``<service>.epn_core``; its CDF file (when ``access_url`` points at a local
product) is what ``#proc`` slices and ``#preview`` draws.

Errors never become DaCHS error pages: for ``dlmeta`` they are DataLink
fault rows, for ``dlget`` a DALI error document with the HTTP status of the
:class:`~datalink.errors.DataLinkError` (400, 403, 404, 500).
"""

import functools
import math
import os
import urllib.parse
from pathlib import Path

from gavo import base, rscdef, svcs, utils
from gavo.protocols import datalink as dachs_datalink
from gavo.svcs import streaming
from twisted.web import http

from ingest import links as granule_links
from ingest.amdadb import hapi_dataset_id

from . import dali, epochs, formats
from .cdfread import CdfFile
from .epochs import parse_mjd, parse_time
from .errors import BadParameter, CorruptFile, DataLinkError, Forbidden, NotFound
from .paths import resolve_under_root
from .preview import MEDIA_TYPE as PNG_MEDIA_TYPE
from .preview import preview_png

MS = base.makeStruct
PREVIEW_FORMAT = "image/png"
FORMAT_OPTIONS = formats.FORMAT_NAMES + (PREVIEW_FORMAT,)
_JD_MJD = 2400000.5
#: Seconds clients and proxies may keep a quick-look: it changes only with its file
#: (Last-Modified), and the TLS proxy of a deployment caches it (X-Accel-Buffering).
PREVIEW_MAX_AGE = 86400


class GranuleDescriptor(dachs_datalink.DatalinkDescriptorMixin):
    """What the DataLink service knows about one granule.

    ``row`` is its epn_core row, ``product`` the local file its access_url
    serves (or None), ``path`` that file when it is a CDF (what is sliced),
    ``dataset`` its SPASE NumericalData record (amdadb, or None), ``error``
    the :class:`DataLinkError` that prevents serving it (or None).
    """

    suppressAutoLinks = True

    def __init__(self, pubDID, service, renderer=None):
        self.pubDID, self.service, self.renderer = pubDID, service, renderer
        self.uid, self.row, self.product, self.path, self.dataset, self.error = None, {}, None, None, None, None


def did_prefix(service):
    """Return the beginning of the publisher DIDs of ``service``: ``ivo://<authority>/~?<service>/``."""
    return granule_links.publisher_did(service, "", base.getConfig("ivoa", "authority"))


def granule_uid(pubDID, service):
    """Return the granule_uid a publisher DID of ``service`` names; raises :class:`NotFound` otherwise."""
    prefix = did_prefix(service)
    if not isinstance(pubDID, str):
        raise NotFound("the ID is not UTF-8 text")
    if not pubDID.isprintable():
        raise NotFound(f"{pubDID!r} holds characters no granule identifier has")
    if not pubDID.startswith(prefix) or len(pubDID) == len(prefix):
        raise NotFound(f"{pubDID!r} is not a granule identifier of this service (they start with {prefix})")
    return pubDID[len(prefix):]


def _rows(service, table, uid, connection=base.getTableConn):
    """Return the rows of ``<service>.<table>`` whose granule_uid is ``uid`` (none if there is no such table).

    ``connection`` is the DaCHS connection manager to query with (the
    restricted tables are only readable through the admin one).
    """
    with connection() as conn:
        exists = list(conn.query("SELECT to_regclass(%(name)s) IS NOT NULL",
                                 {"name": f"{service}.{table}"}))[0][0]
        if not exists:
            return []
        return list(conn.queryToDicts(
            f"SELECT * FROM {service}.{table} WHERE granule_uid = %(uid)s", {"uid": uid}))


@functools.lru_cache(maxsize=8)
def _spase_index(spase_dir, stamp):
    """Return {dataset id: path} of the NumericalData records under ``spase_dir`` (``stamp`` renews the cache)."""
    index = {}
    for root, _, files in os.walk(spase_dir):
        for name in files:
            if name.endswith(".xml"):
                index.setdefault(name[:-4], os.path.join(root, name))
    return index


def spase_dataset(resdir, dataset_id):
    """Return the SPASE NumericalData record of ``dataset_id`` from ``<resdir>/data/spase``, or None."""
    from spase.reader import read_file
    from spase.records import NumericalData

    spase_dir = os.path.join(resdir, "data", "spase", "NumericalData")
    if not os.path.isdir(spase_dir):
        return None
    path = _spase_index(spase_dir, os.stat(spase_dir).st_mtime).get(dataset_id)
    if path is None:
        return None
    try:
        records = read_file(path)
    except Exception as exc:  # the spase reader raises RecordError and XML errors
        base.ui.notifyWarning(f"DataLink: SPASE record {path} unreadable: {exc}")
        return None
    return next((r for r in records if isinstance(r, NumericalData) and r.local_id == dataset_id), None)


def _product_file(service, row):
    """Return the local file of an epn_core row's access_url when it is a product of ``service``, or None."""
    url = row.get("access_url") or ""
    head = base.getConfig("web", "serverURL").rstrip("/") + "/getproduct/"
    if not url.startswith(head):
        return None
    accref = urllib.parse.unquote(url[len(head):])
    prefix = f"{service}/data/"
    if not accref.startswith(prefix):
        raise Forbidden(f"the product {accref} is not in the data of {service}")
    return resolve_under_root(Path(base.getConfig("inputsDir")) / service / "data", accref[len(prefix):])


def _renderer():
    """Return the name of the renderer handling the current request (dlmeta, dlget…), or None."""
    try:
        return utils.stealVar("renderer").name
    except (ValueError, AttributeError):
        return None


def _declare_service_def_as_reference():
    """Give the service_def column of DaCHS's DataLink response table the UCD DataLink defines.

    DataLink (1.0 and 1.1) declares service_def with the UCD ``meta.ref``;
    DaCHS 2.7's ``//datalink#dlresponse`` says ``meta.code``, which
    datalinklint reports as an error.  The cached table definition is
    corrected in place (again after any reload of that RD).
    """
    column = base.caches.getRD("//datalink").getById("dlresponse").getColumnByName("service_def")
    if column.ucd != "meta.ref":
        column.ucd = "meta.ref"


def _answer_non_browsers_with_datalink_type():
    """Let DaCHS answer the DataLink media type to clients that are not web browsers.

    DaCHS 2.7 serves DataLink documents as text/xml (for a stylesheet) to any
    client whose Accept header names text/html, which Java's default header
    does: TOPCAT and STILTS would get the wrong media type.  Web browsers
    also accept application/xhtml+xml; text/html is dropped from the
    request's accepted types when that is missing.
    """
    try:
        accept = utils.stealVar("queryMeta")["accept"]
    except (ValueError, KeyError, TypeError):
        return
    if "text/html" in accept and "application/xhtml+xml" not in accept:
        del accept["text/html"]


def make_descriptor(pubDID, service, resdir):
    """Return the descriptor of the granule ``pubDID`` of ``service`` (its RD in ``resdir``).

    On dlmeta an unknown granule gives a NotFoundFault row and a forbidden or
    unreadable one a FatalFault row (the faults DataLink defines); on
    other renderers a :class:`GranuleDescriptor` carrying the error, which
    :func:`response` turns into a DALI error document.
    """
    renderer = _renderer()
    if renderer == "dlmeta":
        _declare_service_def_as_reference()
        _answer_non_browsers_with_datalink_type()
    descriptor = GranuleDescriptor(pubDID, service, renderer=renderer)
    try:
        descriptor.uid = granule_uid(pubDID, service)
        rows = _rows(service, "epn_core", descriptor.uid)
        dataset_id = (rows[0]["granule_gid"] if rows else descriptor.uid.rpartition("_")[0]) or descriptor.uid
        descriptor.dataset = spase_dataset(resdir, dataset_id)
        if not rows:
            if _rows(service, "epn_core_restricted", descriptor.uid, base.getAdminConn) or (
                    descriptor.dataset is not None and not descriptor.dataset.is_open):
                raise Forbidden(f"{descriptor.uid} belongs to a dataset that is not public")
            raise NotFound(f"no granule {descriptor.uid} in {service}")
        descriptor.row = rows[0]
        try:
            descriptor.product = _product_file(service, descriptor.row)
        except NotFound as missing:
            base.ui.notifyWarning(f"DataLink {service}: {missing}")
        if descriptor.row.get("access_format") == formats.CDF_ISTP.media_type:
            descriptor.path = descriptor.product
    except DataLinkError as error:
        if renderer == "dlmeta":
            fault = (dachs_datalink.DatalinkFault.NotFoundFault if isinstance(error, NotFound)
                     else dachs_datalink.DatalinkFault.FatalFault)
            shown = pubDID if isinstance(pubDID, str) else repr(getattr(pubDID, "original", pubDID))
            return fault(dali.xml_text(shown), dali.xml_text(error), semantics="#this")
        descriptor.error = error
    return descriptor


def _dlget_url(core, descriptor, **parameters):
    """Return the dlget URL of this DataLink service for the descriptor's granule with ``parameters``."""
    query = urllib.parse.urlencode({"ID": descriptor.pubDID, **parameters})
    return core.parent.getURL("dlget") + "?" + query


def hapi_urls(dataset, start, stop, local=False):
    """Return (info URL, data URL) of the dataset on a HAPI server between two ISO times, or None.

    With ``local`` (the granule's file is in this server's archive) the
    server is this one's (``<serverURL>/hapi``, HAPI 3 names); otherwise it
    is the SPASE record's HAPI AccessURL (HAPI 2 names, which AMDA's
    server takes).  The dataset id is :func:`ingest.amdadb.hapi_dataset_id`'s.
    """
    if dataset is None:
        return None
    quoted = urllib.parse.quote(hapi_dataset_id(dataset), safe="")
    if local:
        base_url = base.getConfig("web", "serverURL").rstrip("/") + "/hapi"
        return (f"{base_url}/info?dataset={quoted}",
                f"{base_url}/data?dataset={quoted}&start={start}&stop={stop}")
    for access in dataset.access_urls("HAPI"):
        base_url = access.url.rstrip("/")
        return (f"{base_url}/info?id={quoted}",
                f"{base_url}/data?id={quoted}&time.min={start}&time.max={stop}")
    return None


def _iso_of_jd(jd):
    """Return the ISO 8601 UTC text (``YYYY-MM-DDThh:mm:ssZ``) of a Julian date."""
    return parse_mjd(jd - _JD_MJD, "time").strftime("%Y-%m-%dT%H:%M:%SZ")


# What a #this link gives, by media type.
_WHOLE_GRANULE = {
    formats.CDF_ISTP.media_type: "the CDF/ISTP data file",
    "application/fits": "the FITS file",
    "application/x-votable+xml": "the VOTable file",
    "text/csv": "its interval from the dataset's HAPI server (CSV)",
}


def links(core, descriptor):
    """Yield the LinkDefs of a granule: #this, #preview, #auxiliary (HAPI) and #documentation.

    ``core`` is the datalink core (its parent is the DataLink service).
    """
    if descriptor.error is not None:
        return
    row, LinkDef = descriptor.row, dachs_datalink.LinkDef
    if row.get("access_url"):
        what = _WHOLE_GRANULE.get(row.get("access_format"), f"the data ({row.get('access_format')})")
        yield LinkDef(descriptor.pubDID, row["access_url"], semantics="#this",
                      description=f"The whole granule: {what}", contentType=row.get("access_format"),
                      contentLength=os.path.getsize(descriptor.product) if descriptor.product else None)
    if descriptor.path:
        yield LinkDef(descriptor.pubDID, _dlget_url(core, descriptor, FORMAT=PREVIEW_FORMAT),
                      semantics="#preview", contentType=PNG_MEDIA_TYPE,
                      description="Quick-look plot of the granule's main parameter (PNG)")
    elif row.get("thumbnail_url") and not row["thumbnail_url"].startswith(core.parent.getURL("dlget")):
        yield LinkDef(descriptor.pubDID, row["thumbnail_url"], semantics="#preview",
                      contentType=PNG_MEDIA_TYPE, description="Preview of the granule (PNG)")
    if row.get("time_min") is not None and row.get("time_max") is not None:
        hapi = hapi_urls(descriptor.dataset, _iso_of_jd(row["time_min"]), _iso_of_jd(row["time_max"]),
                         local=descriptor.path is not None)
        if hapi:
            yield LinkDef(descriptor.pubDID, hapi[0], semantics="#auxiliary", contentType="application/json",
                          description="HAPI description (info) of the granule's dataset")
            if hapi[1] != row.get("access_url"):
                yield LinkDef(descriptor.pubDID, hapi[1], semantics="#auxiliary", contentType="text/csv",
                              description="The granule's interval from the dataset's HAPI server (CSV)")
    if row.get("external_link"):
        yield LinkDef(descriptor.pubDID, row["external_link"], semantics="#documentation",
                      contentType="text/html", description="Description of the dataset (SPASE landing page)")


def _options(values):
    """Return a DaCHS Values structure allowing exactly ``values``."""
    return MS(rscdef.Values, options=[MS(rscdef.Option, content_=value) for value in values])


def input_keys(core, descriptor):
    """Yield the InputKeys of the slicing service of a granule with a local CDF file.

    On dlmeta they are typed and carry their allowed values (the service
    descriptor); on dlget they are plain text, so that :func:`response`
    checks them and answers bad values with a 400 and a DALI error document.
    """
    if descriptor.error is not None and descriptor.renderer == "dlmeta":
        return
    if descriptor.renderer == "dlmeta" and not descriptor.path:
        return
    typed = descriptor.renderer == "dlmeta"
    parameters = []
    if typed:
        try:
            parameters = CdfFile(descriptor.path).parameters()
        except DataLinkError:
            parameters = []
    row = descriptor.row
    interval = {}
    if typed and row.get("time_min") is not None:
        interval = {"values": MS(rscdef.Values, min=row["time_min"] - _JD_MJD, max=row["time_max"] - _JD_MJD)}
    yield MS(svcs.InputKey, name="TIME", type="double precision[2]" if typed else "text",
             xtype="interval" if typed else None, unit="d", ucd="time.interval;obs.exposure",
             multiplicity="forced-single",
             description="Time interval to cut out, as two MJD (UTC) values: start stop.", **interval)
    for name, what in (("START", "start"), ("STOP", "end")):
        yield MS(svcs.InputKey, name=name, type="text", ucd="time.start" if name == "START" else "time.end",
                 multiplicity="forced-single", xtype="timestamp" if typed else None,
                 description=f"ISO 8601 UTC {what} of the interval to cut out (instead of TIME).")
    yield MS(svcs.InputKey, name="FORMAT", type="text", ucd="meta.code.mime", multiplicity="forced-single",
             description="Output format: CDF_ISTP (ISTP subset of the file), VOTable (BINARY2;"
             " add ;serialization=TABLEDATA for TABLEDATA), ASCII, or image/png (quick-look).",
             **({"values": _options(FORMAT_OPTIONS)} if typed else {}))
    yield MS(svcs.InputKey, name="PARAM", type="text", ucd="meta.id", multiplicity="multiple",
             description="Parameters (CDF variables) to keep; repeat for several; default: all.",
             **({"values": _options(parameters)} if typed and parameters else {}))


def _single(args, name):
    """Return the value of a single-valued argument (None when absent)."""
    value = args.get(name)
    if isinstance(value, (list, tuple)):
        if len(value) > 1:
            raise BadParameter(name, "given more than once")
        value = value[0] if value else None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if value is not None and not isinstance(value, str):
        raise BadParameter(name, "is not UTF-8 text")
    return value if value not in ("", None) else None


def interval_of(args):
    """Return the (start, stop) astropy Times (or None for open ends) asked for by TIME or START/STOP."""
    time_value, start, stop = _single(args, "TIME"), _single(args, "START"), _single(args, "STOP")
    if time_value is not None:
        if start is not None or stop is not None:
            raise BadParameter("TIME", "give either TIME or START/STOP, not both")
        bounds = time_value.split()
        if len(bounds) != 2:
            raise BadParameter("TIME", f"{time_value!r} is not an interval of two MJD values")
        values = []
        for bound in bounds:
            try:
                number = float(bound)
            except ValueError:
                raise BadParameter("TIME", f"{bound!r} is not a number (MJD)") from None
            if math.isnan(number):
                raise BadParameter("TIME", f"{bound!r} is not an MJD")
            values.append(None if math.isinf(number) else parse_mjd(number, "TIME"))
        start_time, stop_time = values
    else:
        start_time = parse_time(start, "START") if start is not None else None
        stop_time = parse_time(stop, "STOP") if stop is not None else None
    if start_time is not None and stop_time is not None and stop_time < start_time:
        raise BadParameter("TIME", f"the stop ({epochs.iso_text(stop_time)}) is before"
                           f" the start ({epochs.iso_text(start_time)})")
    return start_time, stop_time


class ErrorResponse:
    """A DALI error document with an HTTP status, as a twisted resource."""

    type = dali.MEDIA_TYPE

    def __init__(self, status, message):
        self.status, self.message = status, message

    def render(self, request):
        request.setResponseCode(self.status)
        request.responseHeaders.removeHeader("content-disposition")
        request.setHeader("content-type", dali.MEDIA_TYPE)
        request.write(dali.error_document(self.message))
        request.finish()


class StreamedResponse:
    """The blocks of an iterator of bytes, streamed out from a thread by DaCHS."""

    def __init__(self, media_type, file_name, blocks):
        self.type, self.file_name, self.blocks = media_type, file_name, blocks

    def render(self, request):
        request.setHeader("content-type", self.type)
        request.setHeader("content-disposition", f'attachment; filename="{self.file_name}"')

        def write(output):
            for block in self.blocks:
                output.write(block)

        return streaming.streamOut(write, request)


class BytesResponse(StreamedResponse):
    """A small document already in memory (a PNG quick-look); with ``modified`` (the
    time its source last changed), one that clients and proxies may keep."""

    def __init__(self, media_type, file_name, data, disposition="inline", modified=None):
        super().__init__(media_type, file_name, [data])
        self.disposition, self.modified = disposition, modified

    def render(self, request):
        if self.modified is not None:
            request.setHeader("cache-control", f"public, max-age={PREVIEW_MAX_AGE}")
            request.setHeader("x-accel-buffering", "yes")
            if request.setLastModified(self.modified) == http.CACHED:
                request.finish()
                return
        request.setHeader("content-type", self.type)
        request.setHeader("content-disposition", f'{self.disposition}; filename="{self.file_name}"')
        request.write(self.blocks[0])
        request.finish()


def response(descriptor, args):
    """Return what dlget sends back for a granule: a streamed slice, a PNG, or a DALI error document."""
    try:
        if descriptor.error is not None:
            raise descriptor.error
        if descriptor.path is None:
            raise NotFound(f"{descriptor.uid} has no CDF file here to cut or plot;"
                           f" its data are at {descriptor.row.get('access_url')}")
        requested = _single(args, "FORMAT") or "VOTable"
        parameters = args.get("PARAM") or []
        if isinstance(parameters, str):
            parameters = [parameters]
        if not all(isinstance(name, str) for name in parameters):
            raise BadParameter("PARAM", "a value is not UTF-8 text")
        if requested.strip().lower() in (PREVIEW_FORMAT, "png"):
            if len(parameters) > 1:
                raise BadParameter("PARAM", "a quick-look shows one parameter")
            png = preview_png(descriptor.path, parameters[0] if parameters else None)
            return BytesResponse(PNG_MEDIA_TYPE, descriptor.path.stem + ".png", png,
                                 modified=descriptor.path.stat().st_mtime)
        try:
            formats.parse_format(requested)
        except BadParameter:
            raise BadParameter("FORMAT", f"unknown format {requested!r}", FORMAT_OPTIONS) from None
        start, stop = interval_of(args)
        media_type, name, blocks = formats.slice_stream(descriptor.path, start, stop, requested, parameters)
        return StreamedResponse(media_type, name, blocks)
    except BadParameter as error:
        return ErrorResponse(400, str(error))
    except CorruptFile as error:
        base.ui.notifyError(f"DataLink: {error}")
        return ErrorResponse(500, f"the data file of {descriptor.uid} cannot be read: {error.reason}")
    except DataLinkError as error:
        return ErrorResponse(error.http_status, str(error))
    except Exception as error:  # a fault of the service itself: say so, keep serving
        base.ui.notifyError(f"DataLink: {descriptor.pubDID}: {type(error).__name__}: {error}")
        return ErrorResponse(500, f"internal error while serving {descriptor.uid}: {type(error).__name__}")
