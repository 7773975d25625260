"""Checks of one VOResource record (an ri:Resource element) beyond its schema:
title, identifier and authority, curation, dates, and the EPN-TAP table rules."""

from astropy.time import Time

from .identifiers import authority, ivoid_problems
from .oai import XSI_TYPE
from .schemas import schema_errors

VR_NS = "http://www.ivoa.net/xml/VOResource/v1.0"
VG_NS = "http://www.ivoa.net/xml/VORegistry/v1.0"
VS_NS = "http://www.ivoa.net/xml/VODataService/v1.1"
TAP_STANDARD = "ivo://ivoa.net/std/TAP"
TAP_AUX = "ivo://ivoa.net/std/TAP#aux"
# DataLink capabilities: 1.0 as DaCHS 2.7 (Debian 12) declares them, 1.1 as DaCHS 2.11 (Debian 13).
DATALINK_STANDARDS = ("ivo://ivoa.net/std/DataLink#links-1.0",
    "ivo://ivoa.net/std/DataLink#links-1.1")
EPNTAP_UTYPE = "ivo://ivoa.net/std/epntap#table-2."


def xsi_type(element):
    """Returns the xsi:type of element as "{namespace}name", or None."""
    value = element.get(XSI_TYPE)
    if not value:
        return None
    prefix, _, name = value.rpartition(":")
    return f"{{{element.nsmap.get(prefix or None, '')}}}{name}"


def text(element, path):
    """Returns the stripped text at path below element ("" when absent)."""
    return (element.findtext(path) or "").strip()


def standard_ids(resource):
    """Returns the standardIDs of the resource's capabilities."""
    return [c.get("standardID", "") for c in resource.iterfind("capability")]


def is_datalink(resource):
    """Returns True if the resource has a DataLink capability (of any version)."""
    return any(s in DATALINK_STANDARDS for s in standard_ids(resource))


def tables(resource):
    """Returns {table name: table element} for the tables of the resource's tableset."""
    return {text(t, "name"): t for t in resource.iterfind("tableset/schema/table")}


def table_utypes(resource):
    """Returns {table name: utype} for the tables of the resource's tableset."""
    return {name: text(t, "utype") for name, t in tables(resource).items()}


def column_names(table):
    """Returns the names of the columns of a tableset's table element."""
    return {text(c, "name") for c in table.iterfind("column")}


def _instant(value):
    """Returns value (an ISO date) as an astropy Time, or None if it is not one."""
    try:
        return Time(value.rstrip("Z"), format="isot", scale="utc")
    except ValueError:
        return None


def record_problems(resource, managed_authorities):
    """Returns (failures, warnings): the reasons why the ri:Resource element
    resource is not a record the registry may publish, and its lesser flaws."""
    failures = [f"schema: {e}" for e in schema_errors(resource)]
    warnings = []
    if not text(resource, "title"):
        failures.append("the record has no title")
    ivoid = text(resource, "identifier")
    failures += ivoid_problems(ivoid)
    if ivoid and authority(ivoid) not in managed_authorities:
        failures.append(f"the authority of {ivoid} is {authority(ivoid)!r}, which the"
            f" registry does not manage (it manages {', '.join(sorted(managed_authorities))})")
    if not text(resource, "curation/publisher"):
        failures.append("the record has no curation/publisher")
    if resource.find("curation/contact") is None:
        warnings.append("the record has no curation/contact")
    if not text(resource, "content/description"):
        failures.append("the record has no content/description")
    if not text(resource, "content/referenceURL").startswith(("http://", "https://")):
        failures.append("the record has no http(s) content/referenceURL")
    created, updated = (_instant(resource.get(a, "")) for a in ("created", "updated"))
    if created is None or updated is None:
        failures.append("the created and updated attributes must be ISO dates")
    elif updated < created:
        warnings.append(f"updated ({resource.get('updated')}) is earlier than created"
            f" ({resource.get('created')})")
    for interface in resource.iterfind("capability/interface"):
        if not text(interface, "accessURL"):
            failures.append("a capability interface has no accessURL")
    failures += epntap_problems(resource)
    return failures, warnings


def epntap_problems(resource):
    """Returns why resource breaks the rules for EPN-TAP tables: an EPN-TAP
    table is published as a TAP auxiliary capability, and a record with a TAP
    auxiliary capability describes its tables with their EPN-TAP utype."""
    utypes = table_utypes(resource)
    epntap = [name for name, utype in utypes.items() if utype.startswith(EPNTAP_UTYPE)]
    ids = standard_ids(resource)
    aux = TAP_AUX in ids
    problems = []
    if epntap and not (aux or TAP_STANDARD in ids):
        problems.append(f"EPN-TAP table(s) {', '.join(epntap)} without a capability"
            f" {TAP_AUX} (or {TAP_STANDARD})")
    if aux and not epntap:
        problems.append(f"a {TAP_AUX} capability, but no table of the tableset has"
            f" an EPN-TAP 2 utype ({EPNTAP_UTYPE}*)")
    return problems
