"""The cluster settings of `make serve`: applied on a new cluster, with the
extension libraries loaded once by the postmaster."""

import shutil
import subprocess
from pathlib import Path

import pytest

from instance import debian, postgres


def shared_objects(maps):
    return {Path(line.split()[-1]).name for line in maps.splitlines() if line.endswith(".so")}


def libraries_of_a_new_backend(port):
    return shared_objects(postgres.psql(
        "SELECT pg_read_file('/proc/' || pg_backend_pid() || '/maps')", port=port).stdout)


@pytest.mark.integration
def test_a_new_tap_backend_starts_with_the_extension_libraries(server):
    from gavo import base
    connection = base.getDBConnection("untrustedquery")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            [(pid,)] = cursor.fetchall()
            libraries = shared_objects(Path(f"/proc/{pid}/maps").read_text())
    finally:
        connection.close()
    assert {"pg_sphere.so", "btree_gist.so"} <= libraries


@pytest.fixture
def scratch_cluster():
    """A new cluster on port 5498; pg_dropcluster leaves the conf.d files it did
    not write, so its configuration directory goes as well."""
    major = debian.postgresql_major()
    name = "cdpp_settings_test"

    def drop():
        subprocess.run(["pg_dropcluster", "--stop", major, name], capture_output=True)
        shutil.rmtree(f"/etc/postgresql/{major}/{name}", ignore_errors=True)

    drop()
    subprocess.run(["pg_createcluster", "-p", "5498", "--start", major, name], check=True,
        capture_output=True)
    yield major, name
    drop()


def test_settings_restart_a_cluster_for_its_libraries_once(scratch_cluster):
    major, name = scratch_cluster
    assert "pg_sphere.so" not in libraries_of_a_new_backend(5498)
    assert postgres.ensure_settings(major, name) is True
    assert {"pg_sphere.so", "btree_gist.so"} <= libraries_of_a_new_backend(5498)
    loaded = postgres.psql("SHOW shared_preload_libraries", port=5498).stdout.strip()
    assert loaded == "pg_sphere, btree_gist"
    assert postgres.psql("SHOW random_page_cost", port=5498).stdout.strip() == "1.1"
    assert postgres.ensure_settings(major, name) is False
