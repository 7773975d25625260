"""Safe parsing of SPASE XML files.

No entity expansion, no DTD loading, no network access and a size limit per
file: a broken or hostile file raises :class:`RecordError` carrying the path,
the line and the reason, so a caller can report it and go on with the batch.
"""
from __future__ import annotations

import os

from lxml import etree

#: Largest SPASE file accepted, in bytes (the real records are below 200 kB).
MAX_FILE_BYTES = 4 * 1024 * 1024


class RecordError(Exception):
    """A SPASE file that cannot be used: ``path``, ``line`` (or None), ``reason``."""

    def __init__(self, path, reason, line=None):
        self.path = str(path)
        self.reason = reason
        self.line = line
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {reason}")


def _parser():
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_file(path, max_bytes=MAX_FILE_BYTES):
    """Return the root element of the XML file at ``path``.

    Raises RecordError if the file is larger than ``max_bytes``, is not
    well-formed XML, or declares a DOCTYPE (SPASE records never need one, and
    refusing it rules out entity tricks).
    """
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise RecordError(path, f"cannot read file: {exc.strerror}") from None
    if size > max_bytes:
        raise RecordError(path, f"file too large ({size} bytes, limit {max_bytes})")
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise RecordError(path, f"cannot read file: {exc.strerror}") from None
    return parse_bytes(data, path)


def parse_bytes(data, path="<bytes>"):
    """Return the root element of the XML document ``data`` (bytes).

    ``path`` only names the document in errors.  Raises RecordError as
    :func:`parse_file` does.
    """
    if not data.strip():
        raise RecordError(path, "empty file")
    doctype = data.find(b"<!DOCTYPE")
    if doctype >= 0:
        raise RecordError(path, "DOCTYPE declarations are not allowed in SPASE records",
                          data.count(b"\n", 0, doctype) + 1)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else exc.lineno
        raise RecordError(path, f"not well-formed XML: {exc.msg}", line) from None
    return root
