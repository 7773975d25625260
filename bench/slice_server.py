"""A minimal HTTP server streaming DataLink slices the way the DaCHS service does.

It answers ``GET /?path=<cdf>&start=<iso>&stop=<iso>&format=<FORMAT>`` with
:func:`datalink.formats.slice_stream` written out through DaCHS's streaming
machinery (:func:`gavo.svcs.streaming.streamOut`, a producer thread feeding
twisted), as :class:`datalink.dachs.StreamedResponse` does in the DataLink
services.  ``bench/slice.py`` starts one per measured slice and reads its
peak resident memory; it prints the port it listens on, then serves until
killed.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from twisted.internet import reactor  # noqa: E402
from twisted.web import resource, server  # noqa: E402

from datalink.dachs import ErrorResponse, StreamedResponse  # noqa: E402
from datalink.errors import DataLinkError  # noqa: E402
from datalink.formats import slice_stream  # noqa: E402


def _argument(request, name):
    values = request.args.get(name.encode())
    return values[0].decode() if values else None


class SliceResource(resource.Resource):
    """The one resource of the server: a slice of a CDF file."""

    isLeaf = True

    def render_GET(self, request):
        try:
            media_type, name, blocks = slice_stream(
                _argument(request, "path"), _argument(request, "start"), _argument(request, "stop"),
                _argument(request, "format") or "VOTable")
        except DataLinkError as error:
            ErrorResponse(error.http_status, str(error)).render(request)
            return server.NOT_DONE_YET
        return StreamedResponse(media_type, name, blocks).render(request)


def main():
    port = reactor.listenTCP(0, server.Site(SliceResource()), interface="127.0.0.1")
    print(port.getHost().port, flush=True)
    reactor.run()


if __name__ == "__main__":
    main()
