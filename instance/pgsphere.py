"""Making `CREATE EXTENSION pg_sphere` work on newer PostgreSQL minor releases.

PostgreSQL 15.20 (and the matching 16/17 releases) refuses an operator whose
COMMUTATOR (or NEGATOR) is already the commutator (negator) of another operator.  pgsphere 1.1.1 as
Debian 12 ships it defines, in the block "a minimal set of backwards-compatible
operators for GAVO DaCHS" of pg_sphere--1.2.0.sql, two operators `@` with
COMMUTATOR '@>' and NEGATOR '!<@', which already belong to `<@`.  The fix
diverts the packaged script (dpkg-divert, so package upgrades stay clean) and
installs a copy without those clauses of the two `@` operators; nothing changes where the packaged
script already works.
"""

import re
from pathlib import Path

from .divert import replace_packaged
from .errors import BringUpError
from .postgres import psql

MARKER = "a minimal set of backwards-compatible operators for GAVO DaCHS"
PROBE_DB = "cdpp_pgsphere_probe"
_AT_OPERATOR = re.compile(r"CREATE OPERATOR @ \((?:[^;]*?)\);", re.S)
_CLASHING = re.compile(r"^\s*(?:COMMUTATOR\s*=\s*'@>'|NEGATOR\s*=\s*'!<@'),\s*\n", re.M)


def script_path(major):
    """Returns the path of the install script of pg_sphere's default version."""
    ext_dir = Path(f"/usr/share/postgresql/{major}/extension")
    control = (ext_dir / "pg_sphere.control").read_text()
    version = re.search(r"default_version\s*=\s*'([^']+)'", control).group(1)
    return ext_dir / f"pg_sphere--{version}.sql"


def patched(text):
    """Returns the script text without the clashing COMMUTATOR and NEGATOR
    clauses of the `@` operators after MARKER (text unchanged when there is no such block)."""
    start = text.find(MARKER)
    if start < 0:
        return text
    head, block = text[:start], text[start:]
    return head + _AT_OPERATOR.sub(lambda m: _CLASHING.sub("", m.group(0)), block)


def create_fails():
    """Returns PostgreSQL's error when CREATE EXTENSION pg_sphere fails in a
    scratch database, None when it works."""
    psql(f"DROP DATABASE IF EXISTS {PROBE_DB}")
    psql(f"CREATE DATABASE {PROBE_DB}")
    try:
        result = psql("CREATE EXTENSION pg_sphere", database=PROBE_DB, check=False)
        return None if result.returncode == 0 else (result.stderr or result.stdout).strip()
    finally:
        psql(f"DROP DATABASE IF EXISTS {PROBE_DB}")


def ensure_installable(major):
    """Makes CREATE EXTENSION pg_sphere work on this cluster; returns True if
    the packaged script had to be replaced by a patched copy."""
    error = create_fails()
    if error is None:
        return False
    if "is already the" not in error:
        raise BringUpError(f"CREATE EXTENSION pg_sphere fails ({error}): check the"
            f" postgresql-{major}-pgsphere package, then run `make serve` again")
    script = script_path(major)
    replace_packaged(script, patched, "its operator @ clashes with this PostgreSQL")
    error = create_fails()
    if error is not None:
        raise BringUpError(f"CREATE EXTENSION pg_sphere still fails after patching"
            f" {script} ({error}): report this with the output of `pg_lsclusters`")
    return True
