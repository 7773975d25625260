"""The host's PostgreSQL cluster <major>/main, started without systemd."""

import os
from pathlib import Path

from .errors import BringUpError
from .shell import run, say

CLUSTER = "main"


def clusters():
    """Returns {(major, name): (port, status, datadir, logfile)} from pg_lsclusters."""
    result = run(["pg_lsclusters", "-h"], check=False, capture=True)
    found = {}
    for line in (result.stdout or "").splitlines():
        fields = line.split()
        if len(fields) >= 6:
            found[(fields[0], fields[1])] = (fields[2], fields[3], fields[5],
                fields[6] if len(fields) > 6 else "")
    return found


def _running_binary_replaced(datadir):
    """Returns True when the running postmaster's executable was replaced by a
    package upgrade (it then cannot load the new version's libraries)."""
    try:
        pid = Path(datadir, "postmaster.pid").read_text().split()[0]
        return os.readlink(f"/proc/{pid}/exe").endswith(" (deleted)")
    except (OSError, IndexError):
        return False


def ensure_running(major, cluster=CLUSTER):
    """Creates the cluster if there is none, starts it when it is down and
    restarts it when an upgrade replaced its binary; returns its port."""
    found = clusters()
    if (major, cluster) not in found:
        say(f"creating the PostgreSQL cluster {major}/{cluster}")
        run(["pg_createcluster", major, cluster])
        found = clusters()
    port, state, datadir, logfile = found[(major, cluster)]
    action = None
    if state != "online":
        action = "start"
    elif _running_binary_replaced(datadir):
        action = "restart"
    if action:
        say(f"{action}ing PostgreSQL {major}/{cluster}")
        _control(major, cluster, action, logfile)
    return port


def _control(major, cluster, action, logfile):
    """Starts, restarts or reloads the cluster; a failure names its log."""
    result = run(["pg_ctlcluster", "--skip-systemctl-redirect", major, cluster, action],
        check=False)
    if result.returncode != 0:
        raise BringUpError(f"PostgreSQL {major}/{cluster} won't {action}: read"
            f" {logfile or '/var/log/postgresql/'}, fix the cause, then run"
            " `make serve` again")


def psql(sql, database="postgres", check=True, port=None):
    """Runs sql as the postgres superuser (on the cluster of ``port``, the
    default one if None); returns the CompletedProcess (text output)."""
    where = ["-p", str(port)] if port else []
    return run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", *where, "-d", database,
                "-c", sql], user="postgres", capture=True, check=check)


#: Settings of the cluster. Planner: the tables are read from memory or SSD,
#: where an index page costs about what a sequential one does. Libraries: the
#: postmaster loads pg_sphere and btree_gist once for all backends; DaCHS opens
#: a backend for every TAP query, which otherwise loads pg_sphere (about 2.5 ms)
#: to output the EPN-TAP s_region column. The ansible role cdpp_postgresql
#: writes the same, with memory settings for the host.
SETTINGS = ("random_page_cost = 1.1\n"
            "shared_preload_libraries = 'pg_sphere, btree_gist'\n")
SETTINGS_PATH = "/etc/postgresql/{major}/{cluster}/conf.d/cdpp-epntap.conf"
#: Settings of the role DaCHS's server process reads tables and keeps its UWS
#: jobs with (its ``trustedquery`` profile) in the DaCHS database: a
#: synchronous TAP query writes its job row four times, and waiting for each
#: commit to reach the disk took a fifth of the server's throughput on these
#: hosts.  A crash loses at most the last fraction of a second of job
#: bookkeeping, never data: the ingest and ``dachs imp`` (the admin role)
#: keep synchronous commits.  The ansible role cdpp_dachs sets the same.
ROLE_SETTINGS = {"gavo": {"synchronous_commit": "off"}}


def ensure_settings(major, cluster=CLUSTER):
    """Writes SETTINGS to the cluster's conf.d and applies them if they changed
    (a reload, or a restart for the libraries); returns True if it did."""
    path = Path(SETTINGS_PATH.format(major=major, cluster=cluster))
    text = "# Written by `make serve` (instance/postgres.py).\n" + SETTINGS
    if path.exists() and path.read_text() == text:
        return False
    say(f"setting {'; '.join(SETTINGS.strip().splitlines())} on PostgreSQL {major}/{cluster}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    port, _, _, logfile = clusters()[(major, cluster)]
    _control(major, cluster, "reload", logfile)
    pending = psql("SELECT count(*) FROM pg_settings WHERE pending_restart",
                   port=port).stdout.strip()
    if pending != "0":
        say(f"restarting PostgreSQL {major}/{cluster} to load its libraries")
        _control(major, cluster, "restart", logfile)
    return True


def ensure_role_settings(database):
    """Gives the roles of ROLE_SETTINGS their settings in ``database`` (for their new
    connections); returns True if any changed."""
    changed = False
    for role, values in ROLE_SETTINGS.items():
        current = set(psql("SELECT unnest(setconfig) FROM pg_db_role_setting s"
                           " JOIN pg_roles r ON r.oid = s.setrole JOIN pg_database d ON d.oid = s.setdatabase"
                           f" WHERE r.rolname = '{role}' AND d.datname = '{database}'").stdout.split())
        for name, value in values.items():
            if f"{name}={value}" not in current:
                say(f"setting {name} = {value} for the role {role} in the database {database}")
                psql(f"ALTER ROLE {role} IN DATABASE {database} SET {name} = {value}")
                changed = True
    return changed
