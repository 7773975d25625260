"""Benchmark of DataLink slicing: throughput against a plain cdflib read, and peak memory.

Writes sample CDFs of a vector dataset at 16 samples/s (one day, and ten
days for the memory figures) with :func:`datalink.sample.write_sample_cdf`,
then prints:

* throughput (MB/s of output) of a one-day slice as VOTable (BINARY2) and
  ASCII, and the rate of a plain cdflib read of the same records (MB/s of
  values read), with their ratio (targets: VOTable within 2x, ASCII within
  4x of the read);
* peak resident memory of a server process (this script run with
  ``--serve``, which streams slices through DaCHS's streaming code as the
  DataLink service does) answering a one-day and a ten-day slice of the ten-day file over
  HTTP, for each format (target: the same within 20%).

Run it as ``/opt/cdpp-epntap/venv/bin/python bench/slice.py``.
"""

import argparse
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from datalink.cdfread import open_slice  # noqa: E402
from datalink.formats import slice_stream  # noqa: E402
from datalink.sample import SampleParameter, write_sample_cdf  # noqa: E402

CADENCE_S = 1 / 16
PARAMETERS = [SampleParameter("b_gse", "nT", -1e31, 3, "Magnetic field, GSE", "phys.magField")]
DAY = ("2020-01-01T00:00:00", "2020-01-01T23:59:59.9999")
TEN_DAYS = ("2020-01-01T00:00:00", "2020-01-10T23:59:59.9999")

def sample(directory, days):
    """Return the path of a ``days``-day sample file in ``directory``, writing it if missing."""
    path = Path(directory) / f"bench_b_gse_16hz_{days}d.cdf"
    if not path.exists():
        started = time.perf_counter()
        stop = f"2020-01-{1 + days:02d}T00:00:00"
        write_sample_cdf(path, "bench_b_gse_16hz", PARAMETERS, "2020-01-01T00:00:00", stop, CADENCE_S, seed=1)
        print(f"wrote {path.name}: {path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - started:.1f} s")
    return path


def plain_read(path, start, stop):
    """Return (seconds, bytes) of reading the slice's records with cdflib alone."""
    sliced = open_slice(path, start, stop)
    cdf = sliced.file.cdf
    started = time.perf_counter()
    epochs = cdf.varget("Epoch", startrec=sliced.first, endrec=sliced.stop - 1)
    values = cdf.varget("b_gse", startrec=sliced.first, endrec=sliced.stop - 1)
    return time.perf_counter() - started, epochs.nbytes + values.nbytes


def sliced_output(path, start, stop, format):
    """Return (seconds, bytes of output) of streaming a slice in ``format`` to nowhere."""
    started = time.perf_counter()
    _, _, blocks = slice_stream(path, start, stop, format)
    size = sum(len(block) for block in blocks)
    return time.perf_counter() - started, size


def best_of(runs, function, *args):
    """Return the fastest (seconds, bytes) of ``runs`` calls of ``function``."""
    return min((function(*args) for _ in range(runs)), key=lambda result: result[0])


def _high_water_kib(pid):
    """Return the peak resident memory (VmHWM, KiB) of process ``pid``."""
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def peak_memory(path, start, stop, format):
    """Return {"before_kib", "peak_kib", "bytes"} of a fresh slice server answering one slice over HTTP."""
    process = subprocess.Popen([sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True)
    try:
        port = int(process.stdout.readline())
        before = _high_water_kib(process.pid)
        query = urllib.parse.urlencode({"path": str(path), "start": start, "stop": stop, "format": format})
        size = 0
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/?{query}", timeout=600) as response:
            while block := response.read(1 << 20):
                size += len(block)
        return {"before_kib": before, "peak_kib": _high_water_kib(process.pid), "bytes": size}
    finally:
        process.terminate()
        process.wait(timeout=30)


def _argument(request, name):
    values = request.args.get(name.encode())
    return values[0].decode() if values else None


def serve():
    """Serve slices over HTTP on a free local port (printed first) until killed.

    ``GET /?path=<cdf>&start=<iso>&stop=<iso>&format=<FORMAT>`` answers with
    :func:`datalink.formats.slice_stream` written out through DaCHS's
    streaming machinery (:func:`gavo.svcs.streaming.streamOut`, a producer
    thread feeding twisted), as :class:`datalink.dachs.StreamedResponse`
    does in the DataLink services.
    """
    from twisted.internet import reactor
    from twisted.web import resource, server

    from datalink.dachs import ErrorResponse, StreamedResponse
    from datalink.errors import DataLinkError

    class SliceResource(resource.Resource):
        isLeaf = True

        def render_GET(self, request):
            try:
                media_type, name, blocks = slice_stream(
                    _argument(request, "path"), _argument(request, "start"), _argument(request, "stop"),
                    _argument(request, "format") or "VOTable")
            except DataLinkError as error:
                ErrorResponse(error.http_status, str(error)).render(request)
                return server.NOT_DONE_YET
            return StreamedResponse(media_type, name, blocks).render(request)

    port = reactor.listenTCP(0, server.Site(SliceResource()), interface="127.0.0.1")
    print(port.getHost().port, flush=True)
    reactor.run()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="folder for the sample files (kept); default: a temporary folder")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per figure (the best is kept)")
    parser.add_argument("--serve", action="store_true", help="be the slice server the memory figures measure")
    options = parser.parse_args()
    if options.serve:
        serve()
        return
    with tempfile.TemporaryDirectory(prefix="slice-bench-") as temporary:
        directory = Path(options.data or temporary)
        directory.mkdir(parents=True, exist_ok=True)
        day_file = sample(directory, 1)

        print("\n# Throughput: one day at 16 samples/s, vector of 3 float32 "
              f"({open_slice(day_file, *DAY).record_count} records)")
        read_seconds, read_bytes = best_of(options.runs, plain_read, day_file, *DAY)
        read_rate = read_bytes / read_seconds / 1e6
        print(f"cdflib read      {read_bytes / 1e6:8.1f} MB in {read_seconds:6.3f} s = {read_rate:8.1f} MB/s")
        targets = {"VOTable": 2.0, "ASCII": 4.0}
        for format, target in targets.items():
            seconds, size = best_of(options.runs, sliced_output, day_file, *DAY, format)
            rate = size / seconds / 1e6
            ratio = read_rate / rate
            verdict = "meets" if ratio <= target else "misses"
            print(f"{format:<16} {size / 1e6:8.1f} MB in {seconds:6.3f} s = {rate:8.1f} MB/s;"
                  f" read/output rate ratio {ratio:5.1f} (time ratio {seconds / read_seconds:5.1f};"
                  f" target <= {target:g}: {verdict})")

        ten_day_file = sample(directory, 10)
        print("\n# Peak memory of a fresh slice server answering over HTTP, ten-day file "
              "(one day vs ten days of records)")
        for format in ("VOTable", "ASCII", "CDF_ISTP"):
            one = peak_memory(ten_day_file, *DAY, format)
            ten = peak_memory(ten_day_file, *TEN_DAYS, format)
            growth = ten["peak_kib"] / one["peak_kib"]
            verdict = "meets" if growth <= 1.2 else "misses"
            print(f"{format:<9} one day: {one['peak_kib'] / 1024:7.1f} MiB peak ({one['bytes'] / 1e6:8.1f} MB out);"
                  f" ten days: {ten['peak_kib'] / 1024:7.1f} MiB peak ({ten['bytes'] / 1e6:8.1f} MB out);"
                  f" ratio {growth:4.2f} (target <= 1.20: {verdict});"
                  f" server at start {one['before_kib'] / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
