"""STILTS datalinklint against the IVOA DataLink core vocabulary, offline.

A local HTTP proxy answers STILTS' request for http://www.ivoa.net/rdf/datalink/core
(Accept: application/x-desise+json) with the copy of that vocabulary published in
pyvo's distribution (pyvo/dal/tests/data/datalink/datalink.desise), and
CoreVocabularyStilts.java runs STILTS with that vocabulary's terms.
"""

import contextlib
import json
import re
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

CORE_URL = "http://www.ivoa.net/rdf/datalink/core"
DESISE_MIME = "application/x-desise+json"
LAUNCHER = Path(__file__).with_name("CoreVocabularyStilts.java")


def desise_copy():
    """Bytes of pyvo's copy of the DataLink core vocabulary in desise JSON."""
    return (resources.files("pyvo.dal.tests") / "data" / "datalink" / "datalink.desise").read_bytes()


def core_terms():
    return sorted(json.loads(desise_copy())["terms"])


def _handler(served):
    body = desise_copy()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.rstrip("/") == CORE_URL and DESISE_MIME in self.headers.get("Accept", ""):
                served.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", DESISE_MIME)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404, "only the DataLink core vocabulary is served here")

        def log_message(self, *args):
            pass

    return Handler


@contextlib.contextmanager
def vocabulary_proxy():
    """An HTTP proxy on 127.0.0.1 serving the vocabulary; yields (port, list of requests served)."""
    served = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(served))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], served
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def stilts_jar():
    """The STILTS application jar named by the stilts launcher script."""
    script = Path(shutil.which("stilts")).resolve().read_text()
    return re.search(r"^appjar=(\S+)$", script, re.MULTILINE).group(1)


def datalinklint(votable, proxy_port):
    """Runs ``stilts datalinklint format=json`` on votable (URL or path) through the proxy."""
    command = ["java", "-Dhttp.proxyHost=127.0.0.1", f"-Dhttp.proxyPort={proxy_port}",
               "-Dhttp.nonProxyHosts=localhost|127.*|[::1]", "-cp", stilts_jar(), str(LAUNCHER),
               "datalinklint", "format=json", f"votable={votable}"]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)
