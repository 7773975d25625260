"""A correction of DaCHS's page cache for Twisted 24 and later (Debian 13).

DaCHS 2.11 stores a rendered page with its response headers and replays both;
Twisted 24 adds "Transfer-Encoding: chunked" to those headers, so a cached page
(the root page, for one) goes out chunked-declared with a plain body and
clients fail to read it.  The correction drops that header from the stored
ones.  Where Twisted is older (Debian 12) nothing changes.
"""

from pathlib import Path

from .divert import replace_packaged

ANCHOR = '\t\tif headers.hasHeader("last-modified"):\n\t\t\theaders.removeHeader("last-modified")\n'
FIX = ('\t\tif headers.hasHeader("transfer-encoding"):\n'
    '\t\t\theaders.removeHeader("transfer-encoding")\n')


def caching_module():
    """Returns the path of DaCHS's gavo/web/caching.py."""
    import gavo
    return Path(gavo.__file__).parent / "web" / "caching.py"


def corrected(text):
    """Returns caching.py's text with stored transfer-encoding headers dropped
    (text unchanged if it has no such place or already drops them)."""
    if FIX in text or ANCHOR not in text:
        return text
    return text.replace(ANCHOR, ANCHOR + FIX, 1)


def needs_correction():
    """Returns True where Twisted adds Transfer-Encoding to cached headers."""
    import twisted
    return int(twisted.__version__.split(".")[0]) >= 24


def ensure_correct():
    """Corrects DaCHS's page cache where needed; returns True if it changed it."""
    if not needs_correction():
        return False
    return replace_packaged(caching_module(), corrected,
        "cached pages must not replay Transfer-Encoding")
