"""Hypothesis strategies of hostile request values, and the loop that sends them, shared by
the fuzzing tests."""

import time

import requests
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

#: Seconds a request may take before it counts as hung.
HANG = 30

#: Texts of every length and encoding, bytes that are not text, and names that mean something elsewhere.
texts = st.one_of(st.text(max_size=40), st.text(min_size=1000, max_size=6000),
                  st.binary(max_size=60), st.sampled_from(("", " ", "\x00", "%00", "..", "../../etc/passwd",
                                                           "NaN", "inf", "-inf", "1e999", "\u202e", "\ufeff")))
#: ISO 8601 times, valid or not, and other time texts.
isotimes = st.one_of(st.datetimes().map(lambda d: d.isoformat() + "Z"),
                     st.datetimes().map(lambda d: d.isoformat()),
                     st.sampled_from(("2015-10-16T13:06:00Z", "2015-10-16T13:06:01", "2015-10-16", "2015-02-30",
                                      "2015-10-16T25:61:61Z", "9999-12-31T23:59:59Z", "0001-01-01", "now",
                                      "2015-10-16T13:06:00+02:00", "2015-10-16T13:06:00.123456789123Z")))


def fuzz(cases, strategy, request_of, verdict):
    """Sends ``cases`` GET requests drawn from the hypothesis ``strategy`` through HTTP.

    ``request_of(drawn)`` gives the (URL, query) of a drawn value, ``verdict(drawn,
    answer)`` what is wrong with its answer ("" if nothing).  Returns (seen, problems):
    seen counts the cases, the 4xx and other answers and the slowest seconds; problems
    are texts (a broken connection or a hang is one).
    """
    seen = {"cases": 0, "4xx": 0, "200": 0, "slowest": 0.0}
    problems = []
    session = requests.Session()

    @hypothesis_settings(max_examples=cases, deadline=None, database=None, derandomize=True,
                         suppress_health_check=list(HealthCheck))
    @given(strategy)
    def probe(drawn):
        url, query = request_of(drawn)
        started = time.monotonic()
        try:
            answer = session.get(url, params=query, timeout=HANG)
        except requests.RequestException as error:
            problems.append(f"{drawn!r:.300}: {type(error).__name__}: {error}")
            return
        seen["cases"] += 1
        seen["4xx" if 400 <= answer.status_code < 500 else "200"] += 1
        seen["slowest"] = max(seen["slowest"], time.monotonic() - started)
        wrong = verdict(drawn, answer)
        if wrong:
            problems.append(f"{drawn!r:.300}: {wrong}")

    try:
        probe()
    finally:
        session.close()
    return seen, problems
