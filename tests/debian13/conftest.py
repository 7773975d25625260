"""Fixtures of the Debian 13 test: a trixie root in its own network
namespace, with the README's prerequisites and a copy of this repository,
torn down (servers stopped, mounts, namespace, veth and root removed) even
when a test fails.  Each phase prints how long it took."""

import time
from contextlib import contextmanager
from pathlib import Path

import pytest

import trixie_root
from instance.settings import REPO

VENV_PYTHON = "/opt/cdpp-epntap/venv/bin/python"


class Phases:
    """Times named phases and prints each one as it ends."""

    def __init__(self, config):
        self.reporter = config.pluginmanager.getplugin("terminalreporter")
        self.capture = config.pluginmanager.getplugin("capturemanager")
        self.timings = []

    def write(self, line):
        """Prints line on the terminal at once, past pytest's output capture."""
        if self.reporter is None or self.capture is None:
            print(line, flush=True)
            return
        with self.capture.global_and_fixture_disabled():
            self.reporter.write_line(line)
            self.reporter.flush()

    @contextmanager
    def __call__(self, name):
        started = time.monotonic()
        outcome = "failed"
        try:
            yield
            outcome = "done"
        finally:
            seconds = time.monotonic() - started
            self.timings.append((name, seconds))
            self.write(f"[debian13] {name}: {outcome} in {seconds:.1f} s")

    def summary(self):
        """Returns the table of phase timings with their total, as text."""
        lines = [f"  {name:28s} {seconds:7.1f} s" for name, seconds in self.timings]
        total = sum(seconds for _, seconds in self.timings)
        return "\n".join(["[debian13] timings:", *lines, f"  {'total':28s} {total:7.1f} s"])


class Debian13:
    """The prepared root and its namespace, with helpers to run the project in it."""

    def __init__(self, root, namespace):
        self.root = root
        self.namespace = namespace

    def run(self, script, timeout=1800):
        """Runs script (sh) in the root; returns the CompletedProcess."""
        return self.namespace.run(script, timeout=timeout)

    def in_repo(self, script, timeout=1800):
        """Runs script in the repository's copy; returns the CompletedProcess."""
        return self.run(f"cd {trixie_root.REPO_IN_ROOT} && {script}", timeout=timeout)

    def file(self, path):
        """Returns the host path of path inside the root."""
        return self.root.path / str(path).lstrip("/")

    def log_tail(self, lines=60):
        """Returns the last lines of the bring-up log inside the root."""
        log = self.file("/var/log/cdpp-epntap-serve.log")
        if not log.exists():
            return "(no bring-up log)"
        return "".join(log.read_text(errors="replace").splitlines(True)[-lines:])

    def report(self, result):
        """Returns the output of result and the log's tail, for an assertion message."""
        return (f"exit status {result.returncode}\n--- stdout ---\n{result.stdout[-4000:]}"
            f"\n--- stderr ---\n{result.stderr[-4000:]}"
            f"\n--- {'/var/log/cdpp-epntap-serve.log'} (end) ---\n{self.log_tail()}")

    def stop_servers(self):
        """Stops DaCHS (the project's `stop`) and every PostgreSQL cluster of
        the root; returns the error messages of what failed."""
        errors = []
        if self.file(VENV_PYTHON).exists():
            result = self.in_repo(f"{VENV_PYTHON} -m instance stop", timeout=120)
            if result.returncode != 0:
                errors.append(f"stopping DaCHS: {result.stderr.strip()[-500:]}")
        result = self.run("command -v pg_lsclusters >/dev/null || exit 0;"
            " pg_lsclusters -h", timeout=60)
        for line in result.stdout.splitlines():
            fields = line.split()
            if len(fields) >= 4 and fields[3].startswith("online"):
                stop = self.run(f"pg_ctlcluster --skip-systemctl-redirect {fields[0]}"
                    f" {fields[1]} stop --mode fast", timeout=120)
                if stop.returncode != 0:
                    errors.append(f"stopping PostgreSQL {fields[0]}/{fields[1]}:"
                        f" {stop.stderr.strip()}")
        return errors


def _tear_down(root, namespace, phases):
    """Stops what runs in the root, removes the namespace and the root;
    raises RuntimeError listing what could not be undone."""
    errors = Debian13(root, namespace).stop_servers() if root.path.exists() else []
    leftovers = sorted(set(namespace.pids()) | set(root.processes()))
    killed = trixie_root.terminate(leftovers)
    if leftovers:
        phases.write(f"[debian13] ended {len(leftovers)} leftover processes"
            f" ({len(killed)} with SIGKILL)")
    errors += namespace.delete()
    try:
        root.remove()
    except (RuntimeError, OSError) as error:
        errors.append(str(error))
    if errors:
        raise RuntimeError("tear-down incomplete:\n" + "\n".join(errors))


@pytest.fixture(scope="module")
def phases(request):
    """The phase timer; prints the timings table at the end of the module."""
    timer = Phases(request.config)
    yield timer
    timer.write(timer.summary())


@pytest.fixture(scope="module")
def debian13(phases):
    """A trixie root in its own network namespace with make and python3
    installed (as the README asks) and this repository copied to
    /root/cdpp-epntap; removed with all it started at the end."""
    reason = trixie_root.missing_requirements()
    if reason:
        pytest.skip(f"Debian 13 root: {reason}")
    root = trixie_root.Root()
    namespace = trixie_root.Namespace(root)
    try:
        with phases("root (debootstrap)"):
            used = root.build()
        phases.write(f"[debian13] root {root.path}, from the"
            f" {'cached tarball' if used == 'tarball' else 'Debian mirror'}")
        with phases("network namespace"):
            namespace.create()
        prepared = Debian13(root, namespace)
        with phases("prerequisites (apt)"):
            result = prepared.run("apt-get update -q && DEBIAN_FRONTEND=noninteractive"
                f" apt-get install -y -q {' '.join(trixie_root.PREREQUISITES)}", timeout=900)
            assert result.returncode == 0, (
                f"apt-get install {' '.join(trixie_root.PREREQUISITES)} failed in the root"
                " (its namespace reaches the network by NAT through the host: a host"
                " firewall that drops forwarded packets stops it):"
                f"\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        with phases("copy of the repository"):
            copied = trixie_root.copy_repository(REPO, prepared.file(trixie_root.REPO_IN_ROOT))
            assert copied > 0
        yield prepared
    finally:
        with phases("tear-down"):
            _tear_down(root, namespace, phases)
