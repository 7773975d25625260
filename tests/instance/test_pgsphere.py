import difflib
from pathlib import Path

import pytest

from instance import pgsphere

SCRIPTS = sorted(Path("/usr/share/postgresql").glob("*/extension/pg_sphere--1.2.0.sql*"))


@pytest.fixture
def packaged_script():
    """The text of pg_sphere's packaged install script (the diverted original
    where the bring-up patched it)."""
    originals = [p for p in SCRIPTS if p.name.endswith(".distrib")] or SCRIPTS
    if not originals:
        pytest.fail("no pg_sphere--1.2.0.sql: postgresql-<major>-pgsphere is not installed")
    return originals[0].read_text()


def test_patch_drops_only_the_clashing_clauses(packaged_script):
    result = pgsphere.patched(packaged_script)
    removed = [line[1:] for line in difflib.ndiff(packaged_script.splitlines(),
        result.splitlines()) if line.startswith("- ")]
    before_block = packaged_script[:packaged_script.index(pgsphere.MARKER)]
    assert result.startswith(before_block)
    assert sorted(line.split("=")[0].strip() for line in removed) == [
        "COMMUTATOR", "COMMUTATOR", "NEGATOR", "NEGATOR"]
    assert len(result.splitlines()) == len(packaged_script.splitlines()) - 4


def test_patch_leaves_scripts_without_the_block_alone():
    text = "CREATE OPERATOR @ (\n   COMMUTATOR = '@>',\n   NEGATOR = '!<@',\n);\n"
    assert pgsphere.patched(text) == text


def test_patched_operators_keep_their_procedures(packaged_script):
    result = pgsphere.patched(packaged_script)
    block = result[result.index(pgsphere.MARKER):]
    assert "PROCEDURE  = healpix_subset_smoc" in block
    assert "PROCEDURE  = spoint_subset_smoc" in block
    assert "COMMUTATOR = '@>'" not in block.split("-- debugging")[0]


@pytest.mark.integration
def test_extension_installs_on_this_cluster(server):
    assert pgsphere.create_fails() is None
