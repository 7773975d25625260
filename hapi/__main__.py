"""``python -m hapi serve``: the HAPI server, one gunicorn worker process per CPU core.

The archive it serves is amdadb's, where DataLink finds it: the SPASE tree
``<CDPP_GAVO_ROOT>/inputs/amdadb/data/spase`` and the CDF archive
``<CDPP_GAVO_ROOT>/inputs/amdadb/data/cdf`` (``--spase`` and ``--data``
choose others).  It listens on 127.0.0.1:CDPP_HAPI_PORT, behind the proxy
that sends it ``/hapi``.
"""

import argparse
import logging
import os
import sys
from pathlib import Path

from instance import settings as settings_module


def archive_dirs(settings):
    """Return the default (SPASE tree, CDF archive) of the amdadb resource in DaCHS's inputs."""
    data = Path(settings["CDPP_GAVO_ROOT"]) / "inputs" / "amdadb" / "data"
    return data / "spase", data / "cdf"


def serve(args, settings):
    from gunicorn.app.base import BaseApplication

    from .app import make_application

    application = make_application(args.spase, args.data, settings)

    class Server(BaseApplication):
        def load_config(self):
            for name, value in {"bind": args.bind, "workers": args.workers, "threads": args.threads,
                                "worker_class": "gthread", "timeout": 120, "graceful_timeout": 10,
                                "keepalive": 5, "accesslog": None, "errorlog": "-",
                                # request lines as long as the proxy's (8 kB): longer ones get its 414
                                "limit_request_line": 8190,
                                "proc_name": "hapi"}.items():
                self.cfg.set(name, value)
            if "control_socket_disable" in self.cfg.settings:  # gunicorn 25.1 and later
                self.cfg.set("control_socket_disable", True)

        def load(self):
            return application

    Server().run()
    return 0


def main(argv=None):
    settings = settings_module.load()
    spase, data = archive_dirs(settings)
    parser = argparse.ArgumentParser(prog="python -m hapi", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="serve HAPI on --bind")
    run.add_argument("--spase", default=str(spase), help=f"SPASE tree (default: {spase})")
    run.add_argument("--data", default=str(data), help=f"CDF archive, <DIR>/<dataset id>/*.cdf (default: {data})")
    run.add_argument("--bind", default=f"127.0.0.1:{settings.get('CDPP_HAPI_PORT', '8090')}",
                     help="address:port to listen on (default: 127.0.0.1:CDPP_HAPI_PORT)")
    run.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                     help="worker processes (default: one per CPU core)")
    run.add_argument("--threads", type=int, default=8, help="threads per worker (default: 8)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s hapi %(levelname)s %(message)s")
    return serve(args, settings)


if __name__ == "__main__":
    sys.exit(main())
