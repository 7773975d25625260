"""Replacing a file of a Debian package by a corrected copy, the Debian way.

The packaged file is diverted with dpkg-divert (kept as <name>.distrib, where
package upgrades keep writing it) and the corrected copy takes its place.
"""

from pathlib import Path

from .shell import run, say


def original(path):
    """Returns the path of the packaged version of path (diverted or not)."""
    path = Path(path)
    distrib = path.with_name(path.name + ".distrib")
    return distrib if distrib.exists() else path


def replace_packaged(path, transform, why):
    """Diverts the packaged file path and writes transform(packaged text) in its
    place; returns True if this changed the file."""
    path = Path(path)
    distrib = path.with_name(path.name + ".distrib")
    if not distrib.exists():
        say(f"patching {path} ({why}; the packaged file is kept as {distrib.name})")
        run(["dpkg-divert", "--local", "--rename", "--divert", distrib, "--add", path])
    text = transform(distrib.read_text())
    if path.exists() and path.read_text() == text:
        return False
    path.write_text(text)
    return True
