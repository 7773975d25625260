"""A Debian 13 (trixie) root made with debootstrap and run with chroot in a
network namespace of its own, so that its PostgreSQL (5432) and DaCHS (8080)
do not meet the host's.

The namespace reaches the package registries through a veth pair and a NAT
rule on the host.  The rule is set with the root's own `nft` (nftables is
part of the root), so the host needs nothing but debootstrap and iproute2.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

SUITE = "trixie"
MIRROR = "http://deb.debian.org/debian"
CACHE = Path("/var/cache/cdpp-epntap")
TARBALL = CACHE / f"debootstrap-{SUITE}-minbase.tgz"
# nftables gives the host the `nft` that sets up the namespace's NAT.
INCLUDE = ("nftables",)
# What the README asks of a minimal machine before `make serve`.
PREREQUISITES = ("make", "python3")
WORK = Path("/var/tmp")
REPO_IN_ROOT = "/root/cdpp-epntap"

SOURCES = f"""\
Types: deb
URIs: {MIRROR}
Suites: {SUITE} {SUITE}-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: {SUITE}-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""

# The environment of a root login: nothing of the caller's leaks in.
LOGIN_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME": "/root", "LANG": "C.UTF-8", "TERM": "dumb",
}

# (filesystem type, options, mount point inside the root) of the pseudo
# filesystems a running Debian has.
PSEUDO_MOUNTS = (
    ("proc", "", "proc"),
    ("sysfs", "", "sys"),
    ("devpts", "newinstance,ptmxmode=0666,gid=5,mode=620", "dev/pts"),
    ("tmpfs", "mode=1777", "dev/shm"),
)


def missing_requirements():
    """Returns why this host cannot make the root (a sentence), or None."""
    if os.geteuid() != 0:
        return "needs root (debootstrap, chroot, network namespaces)"
    for tool in ("debootstrap", "ip", "chroot"):
        if shutil.which(tool) is None:
            return f"needs `{tool}` on this host (apt-get install debootstrap iproute2)"
    return None


def _run(argv, timeout=600, check=True, input=None):
    """Runs argv with input (text) or else no standard input; returns the
    CompletedProcess (text output captured); raises RuntimeError with its
    output when check and it fails."""
    stdin = {} if input is not None else {"stdin": subprocess.DEVNULL}
    result = subprocess.run([str(a) for a in argv], input=input, capture_output=True,
        text=True, timeout=timeout, **stdin)
    if check and result.returncode != 0:
        raise RuntimeError(f"`{' '.join(map(str, argv))}` exited with {result.returncode}:\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def _debootstrap(*options, target):
    return _run(["debootstrap", "--variant=minbase", f"--include={','.join(INCLUDE)}",
        *options, SUITE, target, MIRROR], timeout=1800)


def make_tarball():
    """Downloads the root's packages into TARBALL (replaced atomically);
    returns its path."""
    CACHE.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="debootstrap-", dir=WORK))
    partial = TARBALL.with_name(TARBALL.name + ".partial")
    try:
        _debootstrap(f"--make-tarball={partial}", target=scratch)
        partial.rename(TARBALL)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        partial.unlink(missing_ok=True)
    return TARBALL


def create(directory):
    """Makes a minbase trixie root in directory from the cached tarball
    (made first when missing, made again when it no longer unpacks); returns
    "tarball" or "download" after what it used."""
    used = "tarball"
    if not TARBALL.exists():
        make_tarball()
        used = "download"
    try:
        _debootstrap(f"--unpack-tarball={TARBALL}", target=directory)
    except RuntimeError:
        if used == "download":
            raise
        shutil.rmtree(directory)
        Path(directory).mkdir()
        make_tarball()
        _debootstrap(f"--unpack-tarball={TARBALL}", target=directory)
        used = "download"
    return used


def resolver_config():
    """Returns the host's resolv.conf whose name servers the namespace can
    reach: systemd-resolved's upstream list when /etc/resolv.conf names a
    loopback stub."""
    for candidate in ("/etc/resolv.conf", "/run/systemd/resolve/resolv.conf"):
        try:
            text = Path(candidate).read_text()
        except OSError:
            continue
        servers = [line.split()[1] for line in text.splitlines()
            if line.startswith("nameserver") and len(line.split()) > 1]
        if servers and not all(s.startswith(("127.", "::1")) for s in servers):
            return candidate
    return "/etc/resolv.conf"


class Root:
    """A trixie root under /var/tmp, its pseudo filesystems mounted, with
    the host's DNS settings and extra certificate authorities."""

    def __init__(self):
        self.path = Path(tempfile.mkdtemp(prefix="cdpp-epntap-debian13-", dir=WORK))
        # The root's / : mkdtemp's 0700 would lock out every user but root.
        self.path.chmod(0o755)
        self.mounted = []

    def build(self):
        """Fills the root; returns "tarball" or "download" (see create)."""
        used = create(self.path)
        (self.path / "etc/apt/sources.list").unlink(missing_ok=True)
        (self.path / "etc/apt/sources.list.d/debian.sources").write_text(SOURCES)
        shutil.copyfile(resolver_config(), self.path / "etc/resolv.conf")
        # The host's own certificate authorities (e.g. of its HTTPS egress),
        # which Debian's ca-certificates adds once it is installed.
        local_ca = Path("/usr/local/share/ca-certificates")
        if local_ca.is_dir():
            shutil.copytree(local_ca, self.path / "usr/local/share/ca-certificates",
                dirs_exist_ok=True)
        self.mount()
        return used

    def mount(self):
        """Mounts /proc, /sys, /dev/pts and /dev/shm inside the root."""
        for fstype, options, where in PSEUDO_MOUNTS:
            target = self.path / where
            target.mkdir(parents=True, exist_ok=True)
            _run(["mount", "-t", fstype, *(["-o", options] if options else []),
                fstype, target])
            self.mounted.append(target)

    def mounts_inside(self):
        """Returns the mount points under the root, deepest first."""
        points = []
        for line in Path("/proc/self/mountinfo").read_text().splitlines():
            point = line.split()[4].replace("\\040", " ")
            if point == str(self.path) or point.startswith(f"{self.path}/"):
                points.append(point)
        return sorted(points, key=len, reverse=True)

    def processes(self):
        """Returns the pids of the processes whose root directory is this root."""
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.readlink(entry / "root") == str(self.path):
                        pids.append(int(entry.name))
                except OSError:
                    pass
        return pids

    def unmount(self):
        """Unmounts everything mounted under the root; returns what stays mounted."""
        for point in self.mounts_inside():
            if _run(["umount", point], check=False).returncode != 0:
                _run(["umount", "--lazy", point], check=False)
        self.mounted = []
        return self.mounts_inside()

    def remove(self):
        """Deletes the root once nothing is mounted in it; raises RuntimeError otherwise."""
        left = self.unmount()
        if left:
            raise RuntimeError(f"still mounted, {self.path} kept: {', '.join(left)}")
        _run(["rm", "-rf", "--one-file-system", self.path], timeout=900)


def terminate(pids, grace=10):
    """Sends SIGTERM to pids, then SIGKILL to those alive after grace
    seconds; returns the pids that had to be killed."""
    def alive(pid):
        return Path(f"/proc/{pid}").exists()
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.time() + grace
    while time.time() < deadline and any(alive(p) for p in pids):
        time.sleep(0.2)
    killed = [p for p in pids if alive(p)]
    for pid in killed:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return killed


class Namespace:
    """A network namespace joined to the host by a veth pair, with a NAT
    rule that lets it reach the host's uplink."""

    SUBNET = "10.213.13"

    def __init__(self, root):
        tag = os.getpid() % 100000
        self.root = root
        self.name = f"cdpp-debian13-{tag}"
        self.host_if, self.ns_if = f"d13h{tag}", f"d13n{tag}"
        self.table = f"cdpp_debian13_{tag}"
        self.forward_before = None

    def nft(self, script):
        """Runs an nft script on the host's network with the root's nft;
        returns the CompletedProcess."""
        return _run(["chroot", self.root.path, "nft", "-f", "-"], input=script,
            timeout=60, check=False)

    def create(self):
        """Makes the namespace, its link and route, and the NAT rule."""
        subnet = self.SUBNET
        _run(["ip", "netns", "add", self.name])
        _run(["ip", "link", "add", self.host_if, "type", "veth", "peer", "name", self.ns_if])
        _run(["ip", "link", "set", self.ns_if, "netns", self.name])
        _run(["ip", "addr", "add", f"{subnet}.1/30", "dev", self.host_if])
        _run(["ip", "link", "set", self.host_if, "up"])
        inside = ["ip", "-n", self.name]
        _run([*inside, "link", "set", "lo", "up"])
        _run([*inside, "addr", "add", f"{subnet}.2/30", "dev", self.ns_if])
        _run([*inside, "link", "set", self.ns_if, "up"])
        _run([*inside, "route", "add", "default", "via", f"{subnet}.1"])
        forward = Path("/proc/sys/net/ipv4/ip_forward")
        self.forward_before = forward.read_text().strip()
        forward.write_text("1\n")
        result = self.nft(f"""table ip {self.table} {{
  chain postrouting {{
    type nat hook postrouting priority srcnat; policy accept;
    ip saddr {subnet}.0/30 masquerade
  }}
}}
""")
        if result.returncode != 0:
            raise RuntimeError(f"nft could not add the NAT rule: {result.stderr}")

    def pids(self):
        """Returns the pids of the processes running in the namespace."""
        result = _run(["ip", "netns", "pids", self.name], check=False)
        return [int(p) for p in result.stdout.split()] if result.returncode == 0 else []

    def delete(self):
        """Removes the NAT rule, the veth pair and the namespace, and puts
        ip_forward back; returns the error messages of what could not be undone."""
        errors = []
        if self.root.path.joinpath("usr/sbin/nft").exists():
            result = self.nft(f"destroy table ip {self.table}\n")
            if result.returncode != 0:
                result = self.nft(f"delete table ip {self.table}\n")
                if result.returncode != 0 and "No such file" not in result.stderr:
                    errors.append(f"nft table {self.table}: {result.stderr.strip()}")
        if self.forward_before is not None:
            Path("/proc/sys/net/ipv4/ip_forward").write_text(self.forward_before + "\n")
        for argv in (["ip", "link", "del", self.host_if], ["ip", "netns", "del", self.name]):
            result = _run(argv, check=False)
            if result.returncode != 0 and "Cannot find" not in result.stderr \
                    and "No such file" not in result.stderr:
                errors.append(f"{' '.join(argv)}: {result.stderr.strip()}")
        return errors

    def run(self, script, timeout=1800):
        """Runs the shell script as root inside the root, in the namespace, with a
        login's environment and no standard input; returns the CompletedProcess."""
        env_args = [f"{k}={v}" for k, v in LOGIN_ENV.items()]
        return _run(["ip", "netns", "exec", self.name, "chroot", self.root.path,
            "/usr/bin/env", "-i", *env_args, "/bin/sh", "-c", script],
            timeout=timeout, check=False)


def copy_repository(repo, target):
    """Copies the repository's tracked and untracked, not ignored, files
    (as they are in the working tree) to target; returns how many it copied."""
    listed = _run(["git", "-C", repo, "ls-files", "-co", "--exclude-standard", "-z"])
    count = 0
    for name in sorted(set(filter(None, listed.stdout.split("\0")))):
        source = Path(repo) / name
        if not source.exists() and not source.is_symlink():
            continue
        dest = Path(target) / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            dest.unlink(missing_ok=True)
            dest.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, dest)
        count += 1
    return count
