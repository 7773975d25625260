"""Benchmark of the HAPI server: its csv and binary against DataLink's ASCII and VOTable, and its time to first byte.

Uses the sample files of ``bench/slice.py`` (a vector at 16 samples/s, one
day and ten days) as two datasets of a HAPI archive made for the run, and
prints:

* the rates (records/s and MB/s of output) of one day and of ten days as
  HAPI csv and binary (the application called in this process) beside the
  DataLink slices of the same records as ASCII and VOTable, with the ratios
  (target: at least 0.9 times their rate, HAPI writing with the same code);
* the time to first byte of ``info`` and of a day of ``data`` from a
  ``python -m hapi serve`` over HTTP, first (cold) request and the median
  and p95 of the next ones (the HAPI verifier's limits: 1 s and 5 s);
* the peak memory of a new worker answering one day of csv, and of another
  answering ten days (target: the same within 20%, the memory of one day).

Run it as ``/opt/cdpp-epntap/venv/bin/python bench/hapi.py``.
"""

import argparse
import http.client
import importlib.util
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from hapi.app import make_application  # noqa: E402
from instance import settings as settings_module  # noqa: E402

_spec = importlib.util.spec_from_file_location("slice_bench", REPO / "bench" / "slice.py")
slice_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(slice_bench)

SAMPLE_SPASE = REPO / "resources" / "amdadb" / "data" / "spase"
TEMPLATE = SAMPLE_SPASE / "NumericalData" / "CDPP-AMDA" / "MMS" / "MMS1" / "FGM" / "mms1-fgm-brst.xml"
DAY = ("2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z")
TEN_DAYS = ("2020-01-01T00:00:00Z", "2020-01-11T00:00:00Z")


def archive(root, day_file, ten_day_file):
    """Make a HAPI archive of the two sample files (datasets bench-1d, bench-10d); return (spase, data) dirs."""
    spase_dir, data_dir = root / "spase", root / "cdf"
    for kind in ("Instrument", "Observatory"):
        shutil.copytree(SAMPLE_SPASE / kind, spase_dir / kind)
    (spase_dir / "NumericalData").mkdir()
    for dataset, path, name in (("bench-1d", day_file, "bench_b_gse_16hz_20200101.cdf"),
                                ("bench-10d", ten_day_file, "bench_b_gse_16hz_10d.cdf")):
        text = TEMPLATE.read_text(encoding="utf-8").replace("mms1-fgm-brst", dataset)
        (spase_dir / "NumericalData" / f"{dataset}.xml").write_text(text, encoding="utf-8")
        (data_dir / dataset).mkdir(parents=True)
        os.symlink(path, data_dir / dataset / name)
    return spase_dir, data_dir


def hapi_output(app, dataset, start, stop, data_format):
    """Return (seconds, bytes) of a HAPI data answer of the application, consumed to nowhere."""
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/hapi/data",
               "QUERY_STRING": f"dataset={dataset}&start={start}&stop={stop}&format={data_format}"}
    started = time.perf_counter()
    size = sum(len(block) for block in app(environ, lambda status, headers: None))
    return time.perf_counter() - started, size


def datalink_output(path, start, stop, data_format):
    """Return (seconds, bytes) of a DataLink slice in ``data_format``."""
    return slice_bench.sliced_output(path, start.rstrip("Z"), stop.rstrip("Z"), data_format)


def rates(runs, app, dataset, path, interval, records):
    """Print the HAPI and DataLink rates of one interval."""
    results = {}
    for label, function, args in (("HAPI csv", hapi_output, (app, dataset, *interval, "csv")),
                                  ("HAPI binary", hapi_output, (app, dataset, *interval, "binary")),
                                  ("DataLink ASCII", datalink_output, (path, *interval, "ASCII")),
                                  ("DataLink VOTable", datalink_output, (path, *interval, "VOTable"))):
        seconds, size = slice_bench.best_of(runs, function, *args)
        results[label] = seconds
        print(f"{label:<17} {size / 1e6:8.1f} MB in {seconds:6.3f} s = {records / seconds / 1e6:6.2f} M records/s,"
              f" {size / seconds / 1e6:7.1f} MB/s")
    for hapi_label, datalink_label in (("HAPI csv", "DataLink ASCII"), ("HAPI binary", "DataLink VOTable")):
        ratio = results[datalink_label] / results[hapi_label]
        print(f"  {hapi_label} / {datalink_label}: {ratio:4.2f}x the rate"
              f" (target >= 0.9: {'meets' if ratio >= 0.9 else 'misses'})")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _first_byte(port, path):
    """Return (seconds to the first byte of the body, HTTP status) of a GET, the rest read and dropped."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    response.read(1)
    first = time.perf_counter() - started
    while response.read(1 << 20):
        pass
    connection.close()
    return first, response.status


def _worker_peak_kib(master):
    """Return the peak resident memory (VmHWM, KiB) of the gunicorn worker of ``master``."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return max(slice_bench._high_water_kib(int(child)) for child in children)


class Server:
    """``python -m hapi serve`` with one worker on a free port, for the figures over HTTP."""

    def __init__(self, spase_dir, data_dir):
        self.port = _free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hapi", "serve", "--spase", str(spase_dir), "--data", str(data_dir),
             "--bind", f"127.0.0.1:{self.port}", "--workers", "1"], cwd=REPO,
            env=dict(os.environ, PYTHONPATH=str(REPO)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                _first_byte(self.port, "/hapi/capabilities")
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def first_bytes(server, runs):
    """Print the time to first byte of info and of a day of data."""
    day = f"/hapi/data?dataset=bench-1d&start={DAY[0]}&stop={DAY[1]}"
    for label, path, limit in (("info", "/hapi/info?dataset=bench-10d", 1.0), ("data, one day csv", day, 5.0),
                               ("data, one day binary", day + "&format=binary", 5.0)):
        cold, status = _first_byte(server.port, path)
        assert status == 200, (path, status)
        warm = sorted(_first_byte(server.port, path)[0] for _ in range(runs))
        p95 = warm[min(len(warm) - 1, int(round(0.95 * (len(warm) - 1))))]
        print(f"{label:<21} first request {cold * 1e3:7.1f} ms; then median {statistics.median(warm) * 1e3:6.1f} ms,"
              f" p95 {p95 * 1e3:6.1f} ms ({runs} requests; verifier's limit {limit:g} s:"
              f" {statistics.median(warm) / limit * 100:.2f}% of it)")


def peak_memory(spase_dir, data_dir):
    """Print the peak memory of a new worker answering one day, and of another answering ten days of csv."""
    peaks = []
    for start, stop in (DAY, TEN_DAYS):
        server = Server(spase_dir, data_dir)
        try:
            _first_byte(server.port, f"/hapi/data?dataset=bench-10d&start={start}&stop={stop}")
            peaks.append(_worker_peak_kib(server.process.pid))
        finally:
            server.stop()
    one, ten = peaks
    growth = ten / one
    print(f"peak after one day {one / 1024:6.1f} MiB, after ten days {ten / 1024:6.1f} MiB: ratio {growth:4.2f}"
          f" (target <= 1.20: {'meets' if growth <= 1.2 else 'misses'})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="folder for the sample files (kept); default: a temporary folder")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per rate (the best is kept)")
    parser.add_argument("--requests", type=int, default=30, help="requests per time-to-first-byte figure")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hapi-bench-") as temporary:
        directory = Path(options.data or temporary)
        directory.mkdir(parents=True, exist_ok=True)
        day_file, ten_day_file = slice_bench.sample(directory, 1), slice_bench.sample(directory, 10)
        spase_dir, data_dir = archive(Path(temporary) / "archive", day_file, ten_day_file)
        app = make_application(spase_dir, data_dir, settings_module.load())
        per_day = 86400 * 16
        print(f"\n# Rates: one day at 16 samples/s, vector of 3 float32 ({per_day:,} records)")
        rates(options.runs, app, "bench-1d", day_file, DAY, per_day)
        print(f"\n# Rates: ten days ({10 * per_day:,} records)")
        rates(options.runs, app, "bench-10d", ten_day_file, TEN_DAYS, 10 * per_day)
        print("\n# Peak memory of a new worker answering csv of the ten-day dataset")
        peak_memory(spase_dir, data_dir)
        server = Server(spase_dir, data_dir)
        try:
            print("\n# Time to first byte over HTTP (python -m hapi serve, one worker)")
            first_bytes(server, options.requests)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
