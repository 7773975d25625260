"""PNG quick-looks of the main parameter."""

import io

import pytest
from matplotlib.image import imread

from cdf_samples import shared
from datalink.errors import BadParameter
from datalink.preview import preview_png


def test_preview_of_each_shared_file(shared_file):
    png = preview_png(shared_file)
    image = imread(io.BytesIO(png), format="png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.shape[0] == 360 and image.shape[1] == 800
    assert image[..., :3].std() > 0.05


def test_preview_of_a_chosen_parameter_and_a_bad_one():
    assert preview_png(shared("rbspa"), "FEDO")[:4] == b"\x89PNG"
    with pytest.raises(BadParameter) as error:
        preview_png(shared("rbspa"), "nothing")
    assert "FEDO" in error.value.allowed
