"""The WSGI application of the HAPI server: ``/hapi``, ``about``, ``capabilities``, ``catalog``, ``info``, ``data``.

Requests take HAPI 3 names (``dataset``, ``start``, ``stop``) and the 2.x
ones (``id``, ``time.min``, ``time.max``).  Every answer carries
``Access-Control-Allow-Origin: *``; errors are a HAPI status object with
the HTTP status HAPI pairs with its code, and name the request parameter
at fault without echoing what was sent.  A data response is streamed; its
first block is read before the answer starts, so that a range without
records is told (1201) and an unreadable file is a 1500 error, not a cut
stream.
"""

import email.utils
import html
import itertools
import logging
import threading
import time
import urllib.parse

import orjson

from datalink.errors import DataLinkError

from . import data, info, times
from .catalog import Archive
from .errors import CODES, HapiError, status

LOG = logging.getLogger("hapi")
PREFIX = "/hapi"
CORS = [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"),
        ("Access-Control-Allow-Headers", "Content-Type")]
#: The request parameters of each endpoint (HAPI 3 names, then their 2.x synonyms).
PARAMETERS = {
    "": (), "about": (), "capabilities": (),
    "catalog": ("depth", "resolve_references"),
    "info": ("dataset", "id", "parameters", "resolve_references"),
    "data": ("dataset", "id", "start", "time.min", "stop", "time.max", "parameters", "include", "format"),
}
_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error"}


def _status_line(http_status, code):
    return f"{http_status} {_REASONS[http_status]}; HAPI {code} {CODES[code][1]}"


class Application:
    """The HAPI server of an :class:`~hapi.catalog.Archive` (a WSGI callable)."""

    def __init__(self, archive, settings):
        self.archive, self.settings = archive, settings
        self._descriptions, self._lock = {}, threading.Lock()
        self.started = time.time()

    # --- the WSGI entry point -------------------------------------------------

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        try:
            if method == "OPTIONS":
                start_response("204 No Content", CORS + [("Content-Length", "0")])
                return [b""]
            if method not in ("GET", "HEAD"):
                start_response("405 Method Not Allowed", CORS + [("Allow", "GET, HEAD, OPTIONS")])
                return [b""]
            endpoint = path[len(PREFIX):].strip("/") if path == PREFIX or path.startswith(PREFIX + "/") else None
            if endpoint not in PARAMETERS:
                error = HapiError(1400, "no such endpoint (about, capabilities, catalog, info, data)")
                return self._error(start_response, error, http_status=404)
            query = self._query(environ, endpoint)
            status_line, headers, body = getattr(self, "_" + (endpoint or "landing"))(query)
        except HapiError as error:
            return self._error(start_response, error)
        except Exception:  # a fault of the server itself: logged, answered as 1500
            LOG.exception("HAPI %s failed", path)
            return self._error(start_response, HapiError(1500))
        start_response(status_line, CORS + headers)
        return [] if method == "HEAD" else body

    def _error(self, start_response, error, http_status=None):
        http_status = http_status or error.http_status
        body = orjson.dumps({"HAPI": info.HAPI_VERSION, "status": status(error.code, error.detail)})
        start_response(_status_line(http_status, error.code),
                       CORS + [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    @staticmethod
    def _query(environ, endpoint):
        """Return {name: value} of the query string; raises 1400/1401 for repeated or unknown names."""
        try:
            pairs = urllib.parse.parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True,
                                           strict_parsing=False, errors="strict", max_num_fields=50)
        except (UnicodeDecodeError, ValueError):
            raise HapiError(1400, "the query string is not UTF-8 text of at most 50 fields") from None
        query = {}
        for name, value in pairs:
            if name not in PARAMETERS[endpoint]:
                raise HapiError(1401, f"this endpoint takes {', '.join(PARAMETERS[endpoint]) or 'no parameter'}")
            if name in query:
                raise HapiError(1400, f"{name} is given twice")
            query[name] = value
        return query

    @staticmethod
    def _json(document, modified):
        """Return an answer of metadata: the JSON ``document``, last changed at ``modified`` (a Unix time)."""
        body = orjson.dumps(document, option=orjson.OPT_INDENT_2)
        return "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                          ("Last-Modified", email.utils.formatdate(modified, usegmt=True))], [body]

    @staticmethod
    def _one_of(query, names, what, code=1400, required=True):
        """Return the value of the request parameter named by one of ``names`` (synonyms)."""
        given = [name for name in names if name in query]
        if len(given) > 1:
            raise HapiError(code, f"give {what} once, as {' or '.join(names)}")
        if not given:
            if required:
                raise HapiError(code, f"{what} is required ({' or '.join(names)})")
            return None
        return query[given[0]]

    # --- the endpoints ----------------------------------------------------------

    def _about(self, query):
        s = self.settings
        return self._json({"HAPI": info.HAPI_VERSION, "status": status(1200), "id": "CDPP/AMDA-archive",
                           "title": s["CDPP_SITE_SHORT_NAME"] + " archive", "contact": s["CDPP_CONTACT_EMAIL"],
                           "description": "AMDA datasets of the " + s["CDPP_SITE_TITLE"] + " held as CDF files:"
                           " the data of its EPN-TAP granules (amdadb) and DataLink slices.",
                           "serverCitation": s["CDPP_REFERENCE_URL"]}, self.started)

    def _capabilities(self, query):
        return self._json({"HAPI": info.HAPI_VERSION, "status": status(1200), "outputFormats": list(data.FORMATS),
                           "catalogDepthOptions": ["dataset", "all"]}, self.started)

    def _catalog(self, query):
        depth = query.get("depth", "dataset")
        if depth not in ("dataset", "all"):
            raise HapiError(1413, "depth is dataset or all")
        if query.get("resolve_references", "true") not in ("true", "false"):
            raise HapiError(1412, "resolve_references is true or false")
        entries, modified = [], self.archive.loaded
        for dataset in sorted(self.archive.datasets().values(), key=lambda d: d.id):
            entry = {"id": dataset.id, "title": dataset.title}
            if depth == "all":
                try:
                    description = self.describe(dataset)
                except HapiError as error:  # its files cannot be read: logged, left out
                    LOG.error("HAPI catalog: %s left out: %s", dataset.id, error)
                    continue
                described = dict(description.info)
                del described["HAPI"], described["status"]
                entry["info"] = described
                modified = max(modified, description.modified)
            entries.append(entry)
        return self._json({"HAPI": info.HAPI_VERSION, "status": status(1200), "catalog": entries}, modified)

    def _dataset(self, query):
        dataset_id = self._one_of(query, ("dataset", "id"), "the dataset id")
        dataset = self.archive.get(dataset_id)
        if dataset is None:
            raise HapiError(1406, "see the catalog for the datasets served")
        return dataset

    def describe(self, dataset, days=None):
        """Return the :class:`~hapi.info.Description` of a dataset (kept until its record or files change).

        ``days`` is the dataset's :meth:`~hapi.catalog.Dataset.days` when already read.
        """
        files = dataset.files(days=days)
        key = info.cache_key(dataset, files)
        with self._lock:
            found = self._descriptions.get(key)
        if found is None:
            found = info.describe(dataset, self.settings, files)
            with self._lock:
                self._descriptions = {k: v for k, v in self._descriptions.items() if k[0] != dataset.id}
                self._descriptions[key] = found
        return found

    def _info(self, query):
        if query.get("resolve_references", "true") not in ("true", "false"):
            raise HapiError(1412, "resolve_references is true or false")
        description = self.describe(self._dataset(query))
        return self._json(info.subset_info(description, info.subset(description, query.get("parameters"))),
                          description.modified)

    def _data(self, query):
        dataset = self._dataset(query)
        start = times.parse(self._one_of(query, ("start", "time.min"), "the start time", 1402))
        if start is None:
            raise HapiError(1402, "the start is not a HAPI time (e.g. 2016-01-01T00:00:00Z)")
        stop = times.parse(self._one_of(query, ("stop", "time.max"), "the stop time", 1403))
        if stop is None:
            raise HapiError(1403, "the stop is not a HAPI time (e.g. 2016-01-02T00:00:00Z)")
        if stop <= start:
            raise HapiError(1404)
        data_format = query.get("format") or "csv"
        if data_format not in data.FORMATS:
            raise HapiError(1409, f"formats: {', '.join(data.FORMATS)}")
        include = query.get("include")
        if include not in (None, "", "header"):
            raise HapiError(1410, "include takes the value header")
        days = dataset.days()
        description = self.describe(dataset, days)
        columns = info.subset(description, query.get("parameters"))
        records = data.chunks(dataset, days, description, columns, start, stop)
        try:
            first = next(records, None)
        except DataLinkError as error:
            LOG.error("HAPI data of %s: %s", dataset.id, error)
            raise HapiError(1500, f"a data file of {dataset.id} cannot be read") from None
        code = 1200 if first is not None else 1201
        stream = itertools.chain([first] if first is not None else [], _logged(records, dataset.id))
        body = data.blocks(description, columns, stream, data_format, status(code), include == "header")
        headers = [("Content-Type", data.MEDIA_TYPES[data_format])]
        if data_format == "binary":
            headers.append(("Content-Disposition", f'attachment; filename="{dataset.id}.bin"'))
        return _status_line(200, code), headers, body

    def _landing(self, query):
        datasets = sorted(self.archive.datasets().values(), key=lambda d: d.id)
        rows = "".join(
            f'<li><a href="{PREFIX}/info?dataset={urllib.parse.quote(d.id)}">{html.escape(d.id)}</a>'
            f" {html.escape(d.title)}</li>" for d in datasets)
        title = html.escape(self.settings["CDPP_SITE_SHORT_NAME"]) + " HAPI server"
        body = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
                f"<h1>{title}</h1><p>HAPI {info.HAPI_VERSION} access to the AMDA datasets held here as CDF files"
                f" (the data of the amdadb EPN-TAP granules). Endpoints: "
                + ", ".join(f'<a href="{PREFIX}/{e}">{e}</a>' for e in ("about", "capabilities", "catalog"))
                + f", info and data. Specification: <a href='https://hapi-server.org'>hapi-server.org</a>.</p>"
                f"<h2>Datasets ({len(datasets)})</h2><ul>{rows}</ul></body></html>").encode()
        return "200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))], [body]


def _logged(records, dataset_id):
    """Yield from ``records``; a file that cannot be read ends the stream (cut, as HAPI says) and is logged."""
    try:
        yield from records
    except DataLinkError as error:
        LOG.error("HAPI data of %s cut short: %s", dataset_id, error)
        raise


def make_application(spase_dir, data_dir, settings):
    """Return the :class:`Application` serving the archive of ``spase_dir`` and ``data_dir``."""
    return Application(Archive(spase_dir, data_dir, settings), settings)

