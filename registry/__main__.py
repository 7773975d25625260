"""`python -m registry validate|register`: check the publishing registry as the
IVOA Registry of Registries does, and register it there.

Both read settings.env: the registry is harvested on this host's server and must
declare CDPP_SERVER_URL/oai.xml as its base URL and manage CDPP_AUTHORITY;
`register` submits it to CDPP_ROFR_URL.  Exit status: 0 valid (registered),
1 invalid (or the RofR refused it), 2 registration refused here.
"""

import argparse
import sys

from instance import server
from instance import settings as settings_mod

from . import rofr
from .validate import validate


def defaults(settings):
    """Returns the default harvest URL, published base URL, authority and RofR URL."""
    return {
        "url": server.local_url(settings) + "/oai.xml",
        "base_url": settings["CDPP_SERVER_URL"].rstrip("/") + "/oai.xml",
        "authority": settings["CDPP_AUTHORITY"],
        "rofr_url": settings["CDPP_ROFR_URL"],
    }


def parse_args(argv, settings):
    values = defaults(settings)
    parser = argparse.ArgumentParser(prog="python -m registry", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("validate", "harvest the OAI-PMH endpoint and check it"),
            ("register", "validate, then submit the registry to the RofR")):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--url", default=values["url"],
            help="where to harvest the OAI-PMH endpoint (default: %(default)s)")
        command.add_argument("--base-url", default=values["base_url"],
            help="the base URL the registry publishes (default: %(default)s)")
        command.add_argument("--authority", default=values["authority"],
            help="the authority the registry must manage (default: %(default)s)")
        command.add_argument("--verbose", action="store_true",
            help="show the details of passed checks too")
        if name == "register":
            command.add_argument("--rofr-url", default=values["rofr_url"],
                help="the RofR's HarvestValidater (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv, settings_mod.load())
    if args.command == "register":
        reason = rofr.loopback_reason(args.base_url)
        if reason:
            print(f"error: not registering: {reason}", file=sys.stderr)
            return 2
    report = validate(args.url, args.base_url, args.authority)
    print(report.text(verbose=args.verbose))
    if args.command == "validate" or not report.ok:
        return 0 if report.ok else 1
    print()
    try:
        registered, _ = rofr.register(report, args.rofr_url)
    except rofr.Refused as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (rofr.RofRError, OSError) as error:
        print(f"error: the registration did not go through: {error}", file=sys.stderr)
        return 1
    print("Registered with the RofR." if registered else "The RofR did not register it.")
    return 0 if registered else 1


if __name__ == "__main__":
    sys.exit(main())
