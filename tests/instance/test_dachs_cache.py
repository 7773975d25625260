from instance import dachs_cache, divert


def packaged_text():
    return divert.original(dachs_cache.caching_module()).read_text()


def test_correction_drops_stored_transfer_encoding():
    text = packaged_text()
    result = dachs_cache.corrected(text)
    assert dachs_cache.ANCHOR in text
    assert result.count('removeHeader("transfer-encoding")') == 1
    assert result.replace(dachs_cache.FIX, "", 1) == text
    assert dachs_cache.corrected(result) == result


def test_installed_module_matches_the_twisted_in_use():
    installed = dachs_cache.caching_module().read_text()
    assert (dachs_cache.FIX in installed) == dachs_cache.needs_correction()
