"""Local HTTP servers for the registry tests: a relay that breaks records of the
running registry on their way to the validator, and a stand-in for the RofR's
HarvestValidater that records what it receives."""

import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from registry.oai import OAI_NS, RI_NS


class Serving:
    """An HTTP server running in a thread for the duration of a test."""

    def __init__(self, handler):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def resources_with_id(root, ivoid):
    """Returns the ri:Resource elements of an OAI-PMH document whose identifier is ivoid."""
    return [r for r in root.iter(f"{{{RI_NS}}}Resource") if r.findtext("identifier") == ivoid]


def rename_identifier(root, old, new):
    """Replaces the identifier old by new in the headers and records of root."""
    for element in root.iter(f"{{{OAI_NS}}}identifier", "identifier"):
        if element.text == old:
            element.text = new


class FakeRofR:
    """A local HarvestValidater: answers StartSession, Validate and Register as
    the RofR does and records each request (path, query, cookie)."""

    def __init__(self, validation_status="pass"):
        self.requests = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                split = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
                fake.requests.append({"path": split.path, "query": query,
                    "cookie": self.headers.get("Cookie", "")})
                if split.path != "/regvalidate/HarvestValidater":
                    self.send_error(404)
                    return
                op = query.get("op")
                if op == "StartSession":
                    endpoint = urllib.parse.quote(query.get("endpoint", ""), safe="")
                    body = (f"{{ status: 'ready', sessionURL: '{fake.url}{split.path}"
                        f"?runid=42&endpoint={endpoint}&' }}")
                elif op == "Validate":
                    nfail = "0" if validation_status == "pass" else "1"
                    body = (f'<RegistryValidation status="{validation_status}"'
                        f' nfail="{nfail}" nwarn="0" nrec="0"><testQuery name="Identify">'
                        f'<test item="RI3.1.1" status="{validation_status}">Service must'
                        ' respond to a legal OAI Identify query.</test></testQuery>'
                        '</RegistryValidation>')
                elif op == "Register":
                    body = "<html><body>Your registry has been registered.</body></html>"
                else:
                    self.send_error(400, "unknown op")
                    return
                data = body.encode()
                self.send_response(200)
                if op == "StartSession":
                    self.send_header("Set-Cookie", "JSESSIONID=abc123; Path=/")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.serving = Serving(Handler)
        self.url = self.serving.url
        self.validator_url = self.url + "/regvalidate/HarvestValidater"
