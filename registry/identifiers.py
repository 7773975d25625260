"""IVOA identifiers (IVOA Identifiers 2.0): syntax of a registry record's ivoid."""

import re

# The authority: at least three characters, starting with a letter or digit.
AUTHORITY = r"[A-Za-z0-9][A-Za-z0-9\-_.!~*'()+=]{2,}"
# A segment of the resource key: RFC 3986 path characters.
SEGMENT = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+"
RECORD_IVOID = re.compile(rf"ivo://({AUTHORITY})((?:/{SEGMENT})*)", re.ASCII)


def authority(ivoid):
    """Returns the authority part of ivoid, lower-cased (ivoids compare
    case-insensitively), or None when ivoid is not an ivo:// URI."""
    match = re.match(r"ivo://([^/?#]*)", ivoid or "", re.IGNORECASE)
    return match.group(1).lower() if match else None


def ivoid_problems(ivoid):
    """Returns why ivoid is not a valid registry record identifier (a list of
    reasons, empty when it is valid)."""
    if not ivoid:
        return ["the identifier is empty"]
    if not ivoid.startswith("ivo://"):
        return [f"{ivoid!r} does not start with ivo://"]
    if "?" in ivoid or "#" in ivoid:
        return [f"{ivoid!r}: a record identifier has no query or fragment part"]
    if ivoid.endswith("/"):
        return [f"{ivoid!r} ends with a slash"]
    if not RECORD_IVOID.fullmatch(ivoid):
        return [f"{ivoid!r} is not ivo://<authority>[/<resource key>] (authority: 3 or"
            " more letters, digits or -_.!~*'()+=; resource key: RFC 3986 path characters)"]
    return []
