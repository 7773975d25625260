"""HAPI status codes and the error a request ends with.

Each :class:`HapiError` carries the HAPI status code (1400-1501) and the HTTP
status the specification pairs with it (section 4.2).
"""

#: The HAPI status codes: (HTTP status, HAPI message).
CODES = {
    1200: (200, "OK"),
    1201: (200, "OK - no data for time range"),
    1400: (400, "Bad request - user input error"),
    1401: (400, "Bad request - unknown API parameter name"),
    1402: (400, "Bad request - syntax error in start time"),
    1403: (400, "Bad request - syntax error in stop time"),
    1404: (400, "Bad request - start equal to or after stop"),
    1405: (400, "Bad request - start < startDate and/or stop > stopDate"),
    1406: (404, "Bad request - unknown dataset id"),
    1407: (404, "Bad request - unknown dataset parameter"),
    1408: (400, "Bad request - too much time or data requested"),
    1409: (400, "Bad request - unsupported output format"),
    1410: (400, "Bad request - unsupported include value"),
    1411: (400, "Bad request - out-of-order or duplicate parameters"),
    1412: (400, "Bad request - unsupported resolve_references value"),
    1413: (400, "Bad request - unsupported depth value"),
    1500: (500, "Internal server error"),
    1501: (500, "Internal server error - upstream request error"),
}


def status(code, detail=None):
    """Return the HAPI status object of ``code``, its message followed by ``detail`` if given."""
    message = CODES[code][1] if code < 1400 else f"HAPI error {code}: {CODES[code][1]}"
    return {"code": code, "message": f"{message}: {detail}" if detail else message}


class HapiError(Exception):
    """A request the server answers with a HAPI error status; ``detail`` says what was wrong."""

    def __init__(self, code, detail=None):
        self.code, self.detail = code, detail
        super().__init__(status(code, detail)["message"])

    @property
    def http_status(self):
        """Return the HTTP status paired with the HAPI code."""
        return CODES[self.code][0]
