"""Bring-up of the CDPP EPN-TAP server: `python -m instance up|stop|status|urls|fix-pgsphere`.

`up` runs first under Debian's /usr/bin/python3 (packages, PostgreSQL, the venv)
and then continues under the venv's Python (DaCHS settings, RDs, imports, server).
"""

import argparse
import fcntl
import os
import sys
import time
from pathlib import Path

from . import settings as settings_mod
from .errors import BringUpError
from .shell import LOG, fail_hint, run, say

SYSTEM_STAGE, INSTANCE_STAGE = "system", "instance"


def urls(settings):
    """Returns the (label, URL) pairs a user of the server wants."""
    from .dachs import SERVICES
    from .server import hapi_installed
    base = settings["CDPP_SERVER_URL"]
    pairs = [("TAP", f"{base}/tap"), ("OAI-PMH", f"{base}/oai.xml")]
    pairs += [(service, f"{base}/{service}/q/q/form") for service in SERVICES]
    if hapi_installed(settings):
        pairs.append(("HAPI", f"{base}/hapi"))
    return pairs


def system_stage(settings):
    """Packages, PostgreSQL, pg_sphere, DaCHS's package configuration and the venv."""
    from . import debian, pgsphere, postgres, venv
    major = debian.postgresql_major()
    debian.finish_configuration()
    debian.ensure(["postgresql", f"postgresql-{major}",
        f"postgresql-{major}-pgsphere", f"postgresql-{major}-q3c", *debian.BASE_PACKAGES])
    postgres.ensure_running(major)
    has_sphere = postgres.psql(
        "SELECT 1 FROM pg_extension WHERE extname='pg_sphere'",
        database=settings["CDPP_DB_NAME"], check=False).stdout.strip() == "1"
    if not has_sphere:
        pgsphere.ensure_installable(major)
    debian.ensure([debian.DACHS_PACKAGE])
    debian.ensure([debian.PROXY_PACKAGE], start_services=False)
    debian.finish_configuration()
    postgres.ensure_running(major)
    changed = postgres.ensure_settings(major)
    changed |= postgres.ensure_role_settings(settings["CDPP_DB_NAME"])
    return venv.ensure(settings["CDPP_VENV"]) or changed


def instance_stage(settings, restart):
    """DaCHS settings, RDs and imports, then the server (restarted when needed)."""
    from . import dachs, dachs_cache, server, venv
    os.makedirs(settings["CDPP_STATE_DIR"], exist_ok=True)
    restart |= dachs_cache.ensure_correct()
    restart |= dachs.configure(settings)
    examples = dachs.write_userconfig(settings)
    restart |= examples
    code = venv.source_digest()
    for service in dachs.SERVICES:
        restart |= dachs.sync_service(settings, service)
        restart |= dachs.import_service(settings, service, code)
    dachs.publish_system(settings, again=examples)
    if not server.ensure(settings, restart):
        say("the server already runs (" + ", ".join(f"{process.label} pid {pid}"
            for process, pid, _ in server.status(settings) if pid) + "), nothing changed")


def up(args):
    settings = settings_mod.load()
    if args.stage == SYSTEM_STAGE:
        started = time.time()
        changed = system_stage(settings)
        from .venv import python
        os.environ["CDPP_UP_STARTED"] = str(started)
        argv = [str(python(settings["CDPP_VENV"])), "-m", "instance", "up",
            "--stage", INSTANCE_STAGE] + (["--restart"] if changed else [])
        os.execv(argv[0], argv)
    os.makedirs(settings["CDPP_STATE_DIR"], exist_ok=True)
    with open(Path(settings["CDPP_STATE_DIR"]) / "serve.lock", "w") as lock:
        # One bring-up at a time: a second one waits for the first to finish.
        fcntl.flock(lock, fcntl.LOCK_EX)
        instance_stage(settings, args.restart)
    started = float(os.environ.get("CDPP_UP_STARTED", time.time()))
    print(f"\nThe CDPP EPN-TAP server is up ({time.time() - started:.0f} s; log: {LOG}):")
    for label, url in urls(settings):
        print(f"  {label:12s} {url}")


def stop(args):
    from . import server
    settings = settings_mod.load()
    stopped = server.stop(settings)
    if stopped:
        print(f"stopped {', '.join(stopped)} (PostgreSQL keeps running:"
            " pg_ctlcluster <major> main stop)")
    else:
        print("no process started by `make serve` is running")


def status(args):
    from . import dachs, server
    settings = settings_mod.load()
    processes = server.status(settings)
    for process, pid, answer in processes:
        state = f"running, pid {pid}" if pid else "not running"
        print(f"{process.label}: {state} ({process.url}{process.check_path}"
            f" answers {answer or 'nothing'})")
    running = all(pid and answer == 200 for _, pid, answer in processes)
    from .postgres import clusters
    for (major, name), (port, state, _, _) in sorted(clusters().items()):
        print(f"PostgreSQL {major}/{name}: {state} on port {port}")
    for service in dachs.SERVICES:
        result = run(["psql", "-X", "-At", "-d", settings["CDPP_DB_NAME"], "-c",
            f"SELECT count(*) FROM {service}.epn_core"], user="postgres",
            capture=True, check=False)
        count = result.stdout.strip() if result.returncode == 0 else "no table"
        print(f"{service}.epn_core: {count} granules")
    if running:
        for label, url in urls(settings):
            print(f"  {label:12s} {url}")
    return 0 if running else 3


def print_urls(args):
    for label, url in urls(settings_mod.load()):
        print(f"{label}\t{url}")


def fix_pgsphere(args):
    from . import debian, pgsphere, postgres
    major = debian.postgresql_major()
    postgres.ensure_running(major)
    changed = pgsphere.ensure_installable(major)
    print("pg_sphere: patched" if changed else "pg_sphere: CREATE EXTENSION works")


def test_packages(args):
    import shutil

    from . import debian
    debian.ensure(debian.TEST_PACKAGES)
    if shutil.which("npm") is None:
        debian.ensure(debian.NODE_PACKAGES)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m instance", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    up_parser = commands.add_parser("up", help="install, configure, import, serve")
    up_parser.add_argument("--stage", choices=[SYSTEM_STAGE, INSTANCE_STAGE],
        default=SYSTEM_STAGE, help=argparse.SUPPRESS)
    up_parser.add_argument("--restart", action="store_true", help=argparse.SUPPRESS)
    up_parser.set_defaults(func=up)
    commands.add_parser("stop", help="stop the server's processes").set_defaults(func=stop)
    commands.add_parser("status", help="show what runs").set_defaults(func=status)
    commands.add_parser("urls", help="print the public URLs").set_defaults(func=print_urls)
    commands.add_parser("fix-pgsphere",
        help="make CREATE EXTENSION pg_sphere work").set_defaults(func=fix_pgsphere)
    commands.add_parser("test-packages",
        help="install the Debian packages the tests need").set_defaults(func=test_packages)
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except BringUpError as error:
        fail_hint()
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
