"""instance.dachs_cli.freeze: frozen objects stay out of collections until the next
freeze, which frees those dropped in between."""

import gc
import weakref

import pytest

from instance import dachs_cli


class Node:
    pass


@pytest.fixture
def unfrozen_afterwards():
    yield
    gc.unfreeze()


def test_a_cycle_dropped_after_a_freeze_goes_at_the_next_one(unfrozen_afterwards, capsys):
    cycle = Node()
    cycle.itself = cycle
    alive = weakref.ref(cycle)
    dachs_cli.freeze()
    assert gc.get_freeze_count() > 0
    del cycle
    gc.collect()
    assert alive() is not None
    dachs_cli.freeze()
    assert alive() is None
    assert "objects left out of the garbage collector's passes" in capsys.readouterr().out
