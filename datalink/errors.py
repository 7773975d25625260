"""Errors raised by the DataLink slicing library.

The web layer maps them onto HTTP statuses: :class:`BadParameter` to 400,
:class:`Forbidden` to 403, :class:`NotFound` to 404 and :class:`CorruptFile`
to 500.
"""


class DataLinkError(Exception):
    """Base class of every error raised by :mod:`datalink`."""

    http_status = 500


class BadParameter(DataLinkError):
    """A request parameter has a value the library cannot use.

    ``name`` is the parameter (e.g. ``TIME``, ``FORMAT``, ``PARAM``),
    ``allowed`` the values it may take when they form a closed list.
    """

    http_status = 400

    def __init__(self, name, message, allowed=None):
        self.name = name
        self.allowed = list(allowed) if allowed is not None else None
        text = f"{name}: {message}"
        if self.allowed:
            text += " (allowed: " + ", ".join(str(a) for a in self.allowed) + ")"
        super().__init__(text)


class NotFound(DataLinkError):
    """The requested dataset, granule or file does not exist."""

    http_status = 404


class Forbidden(DataLinkError):
    """The request would reach something that is not served (outside the data root, not public)."""

    http_status = 403


class CorruptFile(DataLinkError):
    """A data file cannot be read; ``path`` and ``reason`` say which and why."""

    http_status = 500

    def __init__(self, path, reason):
        self.path = str(path)
        self.reason = str(reason)
        super().__init__(f"cannot read {self.path}: {self.reason}")
