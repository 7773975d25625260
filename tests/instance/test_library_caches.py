"""The caches of matplotlib and astropy under DaCHS's cache directory are shared by the
server (user gavo) and the commands run as root (instance.dachs.ensure_library_caches)."""

import grp
import os
import pwd
import subprocess
from pathlib import Path

import pytest

from instance import dachs
from instance import server as server_mod

pytestmark = pytest.mark.integration

CACHE_DIRS = """
import gavo.base  # sets XDG_CACHE_HOME to DaCHS's cache directory
import astropy.config
import matplotlib
print(matplotlib.get_cachedir())
print(astropy.config.get_cache_dir())
"""


def test_a_root_link_and_a_private_directory_become_shared_directories(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "astropy").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "cache" / "matplotlib").mkdir(mode=0o755)
    assert dachs.ensure_library_caches(tmp_path)
    gid = grp.getgrnam("gavo").gr_gid
    for name in dachs.LIBRARY_CACHES:
        path = tmp_path / "cache" / name
        assert not path.is_symlink() and path.is_dir()
        assert path.stat().st_gid == gid
        assert path.stat().st_mode & 0o7777 == 0o2775
    assert not dachs.ensure_library_caches(tmp_path)


def test_the_server_user_finds_the_caches_in_dachs_cache_directory(server, settings):
    result = subprocess.run(
        ["runuser", "-u", "gavo", "--", Path(settings["CDPP_VENV"]) / "bin" / "python",
         "-c", CACHE_DIRS],
        env=dict(os.environ, GAVOSETTINGS=settings["CDPP_GAVO_SETTINGS"]), cwd="/",
        capture_output=True, text=True, check=True)
    cache = Path(settings["CDPP_GAVO_ROOT"]) / "cache"
    assert result.stdout.split() == [str(cache / "matplotlib"), str(cache / "astropy")]


def test_the_server_made_no_temporary_matplotlib_directory(tap, settings):
    pids = server_mod.dachs_pids(settings)
    assert pids, "no server started by make serve"
    started = min(Path(f"/proc/{pid}").stat().st_mtime for pid in pids.values())
    # A preview, drawn with matplotlib by the server.
    url = tap.search("SELECT TOP 1 thumbnail_url FROM amdadb.epn_core"
                     " WHERE thumbnail_url IS NOT NULL")["thumbnail_url"][0]
    assert server_mod.answers(url, timeout=60) == 200
    gavo_uid = pwd.getpwnam("gavo").pw_uid
    made = [p for p in Path("/tmp").glob("matplotlib-*")
            if p.stat().st_uid == gavo_uid and p.stat().st_mtime >= started]
    assert not made, f"the server fell back to {made}"
