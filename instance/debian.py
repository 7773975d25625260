"""Debian packages the server needs, installed with apt when missing."""

import re
import subprocess
from pathlib import Path

from .errors import BringUpError
from .shell import run, say

# Packages besides PostgreSQL's own; gavodachs2-server comes last because its
# postinst needs a running PostgreSQL with a working pg_sphere.
# starlink-cdf-java is STILTS's CDF input handler (only a Recommends of
# STILTS' companions, so --no-install-recommends leaves it out).
BASE_PACKAGES = ["python3-venv", "python3-pip", "python3-matplotlib", "stilts",
    "starlink-cdf-java", "procps"]
DACHS_PACKAGE = "gavodachs2-server"
# The proxy in front of DaCHS: run by the project with a configuration of its
# own (instance.server), so that the package's nginx service is not started
# when it is installed (it would take port 80 with Debian's default site).
PROXY_PACKAGE = "nginx"
# The invoke-rc.d policy that keeps package scripts from starting services.
POLICY_RC_D = Path("/usr/sbin/policy-rc.d")
# What the tests need besides: Debian roots for `make serve` on Debian 13 and
# for the ansible deployment check, each in its own network namespace; a JDK
# for the launcher that runs STILTS's DataLink validator with the vocabulary.
TEST_PACKAGES = ["debootstrap", "iproute2", "default-jdk-headless"]
# node and npm for the HAPI verifier, where the host has no npm (of Debian's or another node).
NODE_PACKAGES = ["nodejs", "npm"]

_updated = False


def status(package):
    """Returns dpkg's status of package: 'installed', 'half' (unpacked or
    half-configured) or 'missing'."""
    result = run(["dpkg-query", "-W", "-f=${db:Status-Abbrev}", package],
        check=False, capture=True)
    abbrev = result.stdout.strip() if result.returncode == 0 else ""
    if abbrev.startswith("ii"):
        return "installed"
    if abbrev[:1] in ("i", "h") or abbrev[1:2] in ("U", "F", "H", "W", "t"):
        return "half"
    return "missing"


def apt_update():
    """Refreshes apt's package lists once per run."""
    global _updated
    if _updated:
        return
    say("refreshing Debian's package lists")
    try:
        run(["apt-get", "update", "-q", "-o", "APT::Update::Error-Mode=any"], timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        raise BringUpError("cannot reach Debian's package registry (apt-get update"
            " failed): check the network and /etc/apt/sources.list*, then run"
            " `make serve` again")
    _updated = True


def postgresql_major():
    """Returns the PostgreSQL major version Debian ships (what the
    `postgresql` metapackage depends on), e.g. '15' on Debian 12."""
    for attempt in range(2):
        result = run(["apt-cache", "depends", "postgresql"], check=False, capture=True)
        match = re.search(r"Depends: postgresql-(\d+)\b", result.stdout or "")
        if match:
            return match.group(1)
        apt_update()
    raise BringUpError("apt knows no `postgresql` package: check"
        " /etc/apt/sources.list*, then run `make serve` again")


def finish_configuration():
    """Runs `dpkg --configure -a` when a package was left unconfigured."""
    result = run(["dpkg", "--audit"], check=False, capture=True)
    if result.stdout.strip():
        say("finishing the configuration of half-installed packages")
        if run(["dpkg", "--configure", "-a"], check=False).returncode != 0:
            raise BringUpError("`dpkg --configure -a` failed (see the log): fix what"
                " it reports, then run `make serve` again")


def ensure(packages, start_services=True):
    """Installs the packages that are not installed (without letting their
    scripts start the services they bring unless start_services); returns
    those it installed."""
    missing = [p for p in packages if status(p) != "installed"]
    if not missing:
        return []
    if not start_services and not POLICY_RC_D.exists():
        POLICY_RC_D.write_text("#!/bin/sh\n# Written by `make serve` while it installs"
            " packages whose services it runs itself.\nexit 101\n")
        POLICY_RC_D.chmod(0o755)
        try:
            return ensure(packages)
        finally:
            POLICY_RC_D.unlink(missing_ok=True)
    apt_update()
    say(f"installing {' '.join(missing)}")
    result = run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing],
        check=False, timeout=1800)
    if result.returncode != 0:
        finish_configuration()
        still = [p for p in missing if status(p) != "installed"]
        if still:
            raise BringUpError(f"could not install {' '.join(still)} (apt-get failed,"
                " see the log): check that Debian's package registry is reachable,"
                " then run `make serve` again")
    return missing
