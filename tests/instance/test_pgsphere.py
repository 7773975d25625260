import difflib
from pathlib import Path

import pytest

from instance import debian, divert, pgsphere

GAVO_BLOCK = Path(__file__).parent / "data" / "pg_sphere-gavo-block.sql"


def removed_lines(before, after):
    return [line[2:] for line in difflib.ndiff(before.splitlines(), after.splitlines())
        if line.startswith("- ")]


def test_patch_drops_the_clashing_clauses_of_the_gavo_block():
    text = GAVO_BLOCK.read_text()
    result = pgsphere.patched(text)
    assert sorted(line.split("=")[0].strip() for line in removed_lines(text, result)) == [
        "COMMUTATOR", "COMMUTATOR", "NEGATOR", "NEGATOR"]
    assert not removed_lines(result, text)
    assert "PROCEDURE  = healpix_subset_smoc" in result
    assert "PROCEDURE  = spoint_subset_smoc" in result


def test_patch_leaves_scripts_without_the_block_alone():
    text = "CREATE OPERATOR @ (\n   COMMUTATOR = '@>',\n   NEGATOR = '!<@',\n);\n"
    assert pgsphere.patched(text) == text


def test_packaged_script_is_patched_only_in_its_gavo_block():
    script = divert.original(pgsphere.script_path(debian.postgresql_major()))
    text = script.read_text()
    result = pgsphere.patched(text)
    if pgsphere.MARKER in text:
        head = text[:text.index(pgsphere.MARKER)]
        assert result.startswith(head)
        assert len(removed_lines(text, result)) == 4
    else:
        assert result == text


@pytest.mark.integration
def test_extension_installs_on_this_cluster(server):
    assert pgsphere.create_fails() is None
