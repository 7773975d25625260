"""Fixtures of the reliability suite: its budget (full under `make reliability`,
short under `make test`) and the table of what was tried and what held,
printed at the end of the run.

``CDPP_RELIABILITY=full`` (what `make reliability` sets) gives the full
figures: 32 clients for two minutes, 2,000 fuzzing cases per target.
Without it the same tests run with short durations and counts.
"""

import os
import tempfile
from dataclasses import dataclass

import pytest

FULL = os.environ.get("CDPP_RELIABILITY", "short") == "full"
# hypothesis keeps its caches (the Unicode tables of its text strategies) out of the repository.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "cdpp-epntap-hypothesis"))


@dataclass(frozen=True)
class Budget:
    """Durations (s) and counts of one run of the suite."""

    name: str
    #: The load test: clients, seconds, and the window compared for memory growth.
    clients: int
    load_seconds: float
    memory_window: float
    #: The load running while PostgreSQL is stopped and started, and how long it is down.
    outage_clients: int
    outage_seconds: float
    #: Fuzzing cases per target (DataLink parameters, SPASE documents).
    fuzz_cases: int


FULL_BUDGET = Budget("full", clients=32, load_seconds=120, memory_window=30,
                     outage_clients=16, outage_seconds=5, fuzz_cases=2000)
SHORT_BUDGET = Budget("short", clients=32, load_seconds=20, memory_window=6,
                      outage_clients=8, outage_seconds=4, fuzz_cases=150)


@pytest.fixture(scope="session")
def budget():
    """The Budget of this run (CDPP_RELIABILITY=full: the full one)."""
    return FULL_BUDGET if FULL else SHORT_BUDGET


@dataclass
class Row:
    """One line of the table: the area, what was tried, how many times, the figures, whether it held."""

    area: str
    tried: str
    count: int
    figures: str
    held: bool


ROWS = []


@pytest.fixture(scope="session")
def report():
    """A function adding a line to the table: report(area, tried, count, figures, held)."""
    def add(area, tried, count, figures, held):
        ROWS.append(Row(area, tried, int(count), figures, bool(held)))
        return bool(held)
    return add


def table(rows):
    """Returns the text of the table of ``rows`` (a Markdown table)."""
    header = ("area", "what was tried", "count", "figures", "held")
    lines = [(r.area, r.tried, f"{r.count:,}", r.figures, "pass" if r.held else "FAIL") for r in rows]
    widths = [max(len(str(c)) for c in column) for column in zip(header, *lines)]

    def line(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"

    out = [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out.extend(line(cells) for cells in lines)
    return "\n".join(out)


def pytest_terminal_summary(terminalreporter):
    if not ROWS:
        return
    budget = FULL_BUDGET if FULL else SHORT_BUDGET
    terminalreporter.section(f"reliability ({budget.name} run)")
    terminalreporter.write_line(table(ROWS))
    held = sum(r.held for r in ROWS)
    terminalreporter.write_line(f"{held} of {len(ROWS)} held; "
                                f"{sum(r.count for r in ROWS):,} requests, probes and cases")
