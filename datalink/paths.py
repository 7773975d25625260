"""Resolution of file names against the data root."""

from pathlib import Path

from .errors import Forbidden, NotFound


def resolve_under_root(root, relative):
    """Return the absolute :class:`~pathlib.Path` of ``relative`` inside ``root``.

    Raises :class:`Forbidden` when the name is absolute, contains NUL bytes or
    resolves (after following ``..`` and symbolic links) outside ``root``, and
    :class:`NotFound` when it is inside but no such file exists.
    """
    root = Path(root).resolve()
    relative = str(relative)
    if not relative or "\0" in relative or Path(relative).is_absolute():
        raise Forbidden(f"{relative!r} is not a file name inside the data root")
    candidate = (root / relative).resolve()
    if candidate != root and root not in candidate.parents:
        raise Forbidden(f"{relative!r} leads outside the data root")
    if not candidate.is_file():
        raise NotFound(f"no file {relative!r} in the data root")
    return candidate
