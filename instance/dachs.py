"""The DaCHS instance: its settings files, the services' RDs, their imports."""

import filecmp
import grp
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from .errors import BringUpError
from .settings import REPO, SETTINGS_FILE
from .shell import run, say

SERVICES = ("amdadb", "illu67p", "transplanet")
TEMPLATES = Path(__file__).parent / "templates"
UAT_URL = "http://www.ivoa.net/rdf/uat"
# The IVOA vocabularies DaCHS fetches once and caches: the UAT to check
# subjects, and (DaCHS 2.11) those its metadata checks of published services
# use.  Offline hosts get these copies (vocabulary URL: file in instance/).
VOCABULARY_SEEDS = {
    UAT_URL: "vocabularies/uat.json",
    "http://www.ivoa.net/rdf/product-type": "vocabularies/product-type.json",
    "http://www.ivoa.net/rdf/voresource/content_level": "vocabularies/content-level.json",
}
# The caches of the libraries DaCHS loads, under its cache directory (DaCHS
# points XDG_CACHE_HOME there).  Made here as directories of the group gavo so
# that the server (user gavo) and the commands run as root share them: left to
# the libraries, the first command run as root makes them root's (astropy's a
# link into root's home), and the server falls back to a new temporary
# directory at each start (matplotlib) or fails to find any (astropy).
LIBRARY_CACHES = ("astropy", "matplotlib")


def template_values(settings):
    """Returns the template variables: each CDPP_NAME setting as `name`."""
    values = {name[len("CDPP_"):].lower(): value for name, value in settings.items()}
    values["settings_file"] = str(SETTINGS_FILE)
    return values


def render(template, settings, **values):
    """Returns the text of templates/<template>.j2 filled from settings and
    the further template variables values."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
        keep_trailing_newline=True, trim_blocks=True)
    return env.get_template(template + ".j2").render(template_values(settings), **values)


def dachs_env(settings):
    """Returns the environment variables DaCHS commands need: its settings
    file, the project's settings for the code the RDs run, and a PATH that finds
    the venv's ``dachs`` and ``gavo`` first (DaCHS's server runs ``gavo taprun``
    for asynchronous TAP jobs)."""
    path = os.environ.get("PATH", os.defpath)
    return dict(settings, GAVOSETTINGS=settings["CDPP_GAVO_SETTINGS"],
                PATH=f"{Path(settings['CDPP_VENV']) / 'bin'}{os.pathsep}{path}")


def dachs(settings, *args, check=True, capture=False):
    """Runs the venv's `dachs` with args; returns the CompletedProcess."""
    return run([Path(settings["CDPP_VENV"]) / "bin" / "dachs", *args],
        env=dachs_env(settings), check=check, capture=capture)


def _write_if_changed(path, text, group=None):
    """Writes text to path unless it already holds it; returns True if written."""
    path = Path(path)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if group:
        shutil.chown(path, group=group)
    path.chmod(0o664 if group else 0o644)
    return True


def ensure_library_caches(root):
    """Makes root/cache/<library> of each of LIBRARY_CACHES a directory of the group
    gavo that the group can write (a link there is replaced); returns True if any
    was made or corrected."""
    gid = grp.getgrnam("gavo").gr_gid
    changed = False
    for name in LIBRARY_CACHES:
        path = Path(root) / "cache" / name
        if path.is_symlink():
            path.unlink()
        if not path.is_dir():
            path.mkdir(parents=True)
            changed = True
        info = path.stat()
        if info.st_gid != gid or info.st_mode & 0o7777 != 0o2775:
            os.chown(path, -1, gid)
            path.chmod(0o2775)
            changed = True
    return changed


def configure(settings):
    """Writes gavo.rc, defaultmeta.txt and the vocabulary seeds, and makes the
    library caches; returns True if any of them changed."""
    root = Path(settings["CDPP_GAVO_ROOT"])
    changed = ensure_library_caches(root)
    changed |= _write_if_changed(settings["CDPP_GAVO_SETTINGS"], render("gavo.rc", settings))
    changed |= _write_if_changed(root / "etc" / "defaultmeta.txt",
        render("defaultmeta.txt", settings), group="gavo")
    from gavo import utils
    for url, seed in VOCABULARY_SEEDS.items():
        cache = root / "cache" / utils.defuseFileName(url)
        if not cache.exists():
            _write_if_changed(cache, (Path(__file__).parent / seed).read_text(),
                group="gavo")
    return changed


def write_userconfig(settings):
    """Writes the site's userconfig.rd (the TAP examples) into DaCHS's etc
    directory; returns True if it changed."""
    return _write_if_changed(Path(settings["CDPP_GAVO_ROOT"]) / "etc" / "userconfig.rd",
        (TEMPLATES / "userconfig.rd").read_text(encoding="utf-8"), group="gavo")


def _tree_digest(directory):
    """Returns a digest of the names and contents of the files under directory."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(directory).rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(directory)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def sync_service(settings, service):
    """Copies resources/<service> into the DaCHS inputs directory (files that
    differ, removing those gone); returns True if anything changed."""
    source = REPO / "resources" / service
    target = Path(settings["CDPP_GAVO_ROOT"]) / "inputs" / service
    gid = grp.getgrnam("gavo").gr_gid
    changed = False
    wanted = set()
    for path in sorted(source.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        rel = path.relative_to(source)
        wanted.add(rel)
        dest = target / rel
        if path.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            os.chown(dest, -1, gid)
            dest.chmod(0o2775)
        elif not dest.is_file() or not filecmp.cmp(path, dest, shallow=False):
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
            os.chown(dest, -1, gid)
            dest.chmod(0o664)
            changed = True
    for path in sorted(target.rglob("*"), reverse=True):
        rel = path.relative_to(target)
        if rel not in wanted and not rel.parts[0].startswith((".", "__")):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            changed = True
    return changed


def _stamp(settings, service):
    return Path(settings["CDPP_STATE_DIR"]) / f"import-{service}.digest"


def table_exists(settings, service):
    """Returns True if <service>.epn_core exists in the DaCHS database."""
    result = run(["psql", "-X", "-At", "-d", settings["CDPP_DB_NAME"], "-c",
        f"SELECT to_regclass('{service}.epn_core') IS NOT NULL"],
        user="postgres", capture=True, check=False)
    return result.stdout.strip() == "t"


def ingest_command(settings, service):
    """Returns the operators' ingest command that completes the import of
    service, or None: for amdadb, the loader rebuilds the table `dachs imp`
    just made (--full), registers the local data files in DaCHS's products
    table and keeps the non-public granules apart."""
    if service != "amdadb":
        return None
    data = Path(settings["CDPP_GAVO_ROOT"]) / "inputs" / service / "data"
    return [Path(settings["CDPP_VENV"]) / "bin" / "python", "-m", "ingest", service,
        "--spase", data / "spase", "--data", data / "cdf", "--full"]


def import_service(settings, service, code_digest):
    """Imports and publishes service unless its RD, data and the project's code
    are unchanged since the last import; returns True if it imported."""
    inputs = Path(settings["CDPP_GAVO_ROOT"]) / "inputs" / service
    digest = hashlib.sha256(
        (_tree_digest(inputs) + code_digest).encode()).hexdigest()
    stamp = _stamp(settings, service)
    if stamp.exists() and stamp.read_text() == digest and table_exists(settings, service):
        return False
    say(f"importing {service}")
    try:
        dachs(settings, "imp", f"{service}/q")
        if ingest_command(settings, service):
            run(ingest_command(settings, service), env=dachs_env(settings))
        dachs(settings, "pub", f"{service}/q")
    except subprocess.CalledProcessError:
        raise BringUpError(f"importing {service} failed (see the log; the published"
            f" table is unchanged): fix resources/{service}, then run `make serve` again")
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest)
    return True


def system_ivoids(settings):
    """Returns the identifiers of DaCHS's own records: the authority, the
    publishing registry and the TAP service."""
    authority = settings["CDPP_AUTHORITY"]
    return {f"ivo://{authority}", f"ivo://{authority}/__system__/services/registry",
        f"ivo://{authority}/tap"}


def publish_system(settings, again=False):
    """Publishes the authority and registry records (//services) and the TAP
    service (//tap) unless they are published under the configured authority
    and ``again`` is false (the TAP record changed: its examples); returns True
    if it published them."""
    result = run(["psql", "-X", "-At", "-d", settings["CDPP_DB_NAME"], "-c",
        "SELECT ivoid FROM dc.resources WHERE NOT deleted"
        " AND sourcerd IN ('__system__/services', '__system__/tap')"],
        user="postgres", capture=True, check=False)
    if not again and system_ivoids(settings) <= set(result.stdout.split()):
        return False
    say("publishing the registry, the authority and the TAP service")
    try:
        dachs(settings, "pub", "//services", "//tap")
    except subprocess.CalledProcessError:
        raise BringUpError("publishing //services and //tap failed (see the log):"
            " check the [ivoa] authority and defaultmeta.txt, then run `make serve` again")
    return True
