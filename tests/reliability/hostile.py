"""Hypothesis strategies of hostile request values, shared by the fuzzing tests."""

from hypothesis import strategies as st

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
