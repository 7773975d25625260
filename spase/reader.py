"""Build :mod:`spase.records` objects from SPASE XML.

:func:`read_file` returns the resources one SPASE file holds.  Element names
are matched without their namespace, so SPASE 2.x documents of any minor
version (and un-namespaced ones) read the same; a document whose root is in
another namespace is not SPASE and is refused.
"""
from __future__ import annotations

import math

from spase import records as r
from spase.safexml import RecordError, parse_file
from spase.timeutil import parse_datetime, parse_duration

#: Resource types read into typed objects; other children of <Spase> are ignored.
RESOURCE_TYPES = ("NumericalData", "DisplayData", "Instrument", "Observatory",
                  "Person", "Repository")

_PARAMETER_KINDS = ("Field", "Particle", "Wave", "Mixed", "Support")

#: The namespace of every SPASE schema version; a root without a namespace is accepted too.
SPASE_NAMESPACE = "http://www.spase-group.org/data/schema"


def _local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else None


def _namespace(tag):
    """Returns the namespace URI of an element tag ("{uri}name"), or None."""
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else None


def _children(elem, name):
    return [c for c in elem if _local(c.tag) == name]


def _child(elem, name):
    for c in elem:
        if _local(c.tag) == name:
            return c
    return None


def _text(elem, name):
    c = _child(elem, name) if elem is not None else None
    if c is None or c.text is None:
        return None
    value = " ".join(c.text.split())
    return value or None


def _texts(elem, name):
    out = []
    for c in _children(elem, name):
        if c.text and c.text.strip():
            out.append(" ".join(c.text.split()))
    return out


class _Context:
    """Where we are, for errors that name the file and line."""

    def __init__(self, path):
        self.path = path

    def datetime(self, elem, name):
        c = _child(elem, name)
        if c is None or not (c.text or "").strip():
            return None
        try:
            return parse_datetime(c.text)
        except ValueError as exc:
            raise RecordError(self.path, f"{name}: {exc}", c.sourceline) from None

    def duration(self, elem, name):
        c = _child(elem, name)
        if c is None or not (c.text or "").strip():
            return None
        try:
            return parse_duration(c.text)
        except ValueError as exc:
            raise RecordError(self.path, f"{name}: {exc}", c.sourceline) from None


def parse_fill_value(text):
    """Return a FillValue literal as a float ("NaN", "nan", "-1.e31", ... all read), or None."""
    if text is None:
        return None
    literal = text.strip()
    try:
        return float(literal)
    except ValueError:
        if literal.lower() in ("nan", "-nan", "+nan"):
            return math.nan
        return None


def _header(ctx, elem):
    h = _child(elem, "ResourceHeader")
    if h is None:
        return r.ResourceHeader()
    return r.ResourceHeader(
        name=_text(h, "ResourceName"),
        alternate_names=_texts(h, "AlternateName"),
        release_date=ctx.datetime(h, "ReleaseDate"),
        description=_text(h, "Description"),
        acknowledgement=_text(h, "Acknowledgement"),
        contacts=[r.Contact(_text(c, "PersonID") or "", tuple(_texts(c, "Role")))
                  for c in _children(h, "Contact")],
        information_urls=[r.InformationURL(_text(u, "URL") or "", _text(u, "Name"),
                                           _text(u, "Description"))
                          for u in _children(h, "InformationURL")],
        prior_ids=_texts(h, "PriorID"),
        doi=_text(h, "DOI"),
    )


def _access_url(u):
    return r.AccessURL(
        url=_text(u, "URL") or "",
        name=_text(u, "Name"),
        style=_text(u, "Style"),
        product_keys=tuple(_texts(u, "ProductKey")),
        description=_text(u, "Description"),
    )


def _access(a):
    return r.AccessInformation(
        repository_id=_text(a, "RepositoryID"),
        availability=_text(a, "Availability"),
        access_rights=_text(a, "AccessRights"),
        access_urls=[_access_url(u) for u in _children(a, "AccessURL")],
        formats=_texts(a, "Format"),
        acknowledgement=_text(a, "Acknowledgement"),
    )


def _parameter(p):
    kind, qualifiers, quantities, particles, freq = None, [], [], [], None
    for k in _PARAMETER_KINDS:
        block = _child(p, k)
        if block is None:
            continue
        kind = k
        qualifiers = _texts(block, "Qualifier")
        quantities = _texts(block, k + "Quantity")
        particles = _texts(block, "ParticleType")
        fr = _child(block, "FrequencyRange")
        if fr is not None:
            low, high = _text(fr, "Low"), _text(fr, "High")
            freq = (parse_fill_value(low), parse_fill_value(high), _text(fr, "Units"))
        break
    structure = _child(p, "Structure")
    sizes, elements = [], []
    if structure is not None:
        for s in _texts(structure, "Size"):
            sizes.extend(int(x) for x in s.split() if x.isdigit())
        elements = [r.Element(_text(e, "Name"), tuple(_texts(e, "Qualifier")),
                              _text(e, "Index"), _text(e, "ParameterKey"))
                    for e in _children(structure, "Element")]
    cs = _child(p, "CoordinateSystem")
    hints = _child(p, "RenderingHints")
    fill = _text(p, "FillValue")
    return r.Parameter(
        name=_text(p, "Name"),
        parameter_key=_text(p, "ParameterKey"),
        description=_text(p, "Description"),
        ucd=_text(p, "UCD"),
        units=_text(p, "Units"),
        units_conversion=_text(p, "UnitsConversion"),
        coordinate_system=(r.CoordinateSystem(_text(cs, "CoordinateRepresentation"),
                                              _text(cs, "CoordinateSystemName"))
                           if cs is not None else None),
        display_types=_texts(hints, "DisplayType") if hints is not None else [],
        sizes=sizes,
        elements=elements,
        fill_value=parse_fill_value(fill),
        fill_value_text=fill,
        valid_min=_text(p, "ValidMin"),
        valid_max=_text(p, "ValidMax"),
        kind=kind,
        qualifiers=qualifiers,
        quantities=quantities,
        particle_types=particles,
        frequency_range=freq,
    )


def _numerical_data(ctx, elem, resource_id, header, resource_type):
    temporal = _child(elem, "TemporalDescription")
    span = cadence = cadence_min = cadence_max = None
    if temporal is not None:
        ts = _child(temporal, "TimeSpan")
        if ts is not None:
            start = ctx.datetime(ts, "StartDate")
            if start is None:
                raise RecordError(ctx.path, "TimeSpan has no StartDate", ts.sourceline)
            span = r.TimeSpan(start, ctx.datetime(ts, "StopDate"),
                              ctx.duration(ts, "RelativeStopDate"))
        cadence = ctx.duration(temporal, "Cadence")
        cadence_min = ctx.duration(temporal, "CadenceMin")
        cadence_max = ctx.duration(temporal, "CadenceMax")
    return r.NumericalData(
        resource_id=resource_id,
        path=ctx.path,
        header=header,
        resource_type=resource_type,
        access=[_access(a) for a in _children(elem, "AccessInformation")],
        provider_name=_text(elem, "ProviderName"),
        provider_resource_name=_text(elem, "ProviderResourceName"),
        provider_processing_level=_text(elem, "ProviderProcessingLevel"),
        processing_levels=_texts(elem, "ProcessingLevel"),
        instrument_ids=_texts(elem, "InstrumentID"),
        measurement_types=_texts(elem, "MeasurementType"),
        time_span=span,
        cadence=cadence,
        cadence_min=cadence_min,
        cadence_max=cadence_max,
        observed_regions=_texts(elem, "ObservedRegion"),
        keywords=_texts(elem, "Keyword"),
        parameters=[_parameter(p) for p in _children(elem, "Parameter")],
    )


def _resource(ctx, elem):
    kind = _local(elem.tag)
    resource_id = _text(elem, "ResourceID")
    if not resource_id:
        raise RecordError(ctx.path, f"{kind} without ResourceID", elem.sourceline)
    header = _header(ctx, elem)
    if kind in ("NumericalData", "DisplayData"):
        return _numerical_data(ctx, elem, resource_id, header, kind)
    if kind == "Instrument":
        return r.Instrument(resource_id, ctx.path, header,
                            instrument_types=_texts(elem, "InstrumentType"),
                            investigation_names=_texts(elem, "InvestigationName"),
                            observatory_ids=_texts(elem, "ObservatoryID"))
    if kind == "Observatory":
        regions = []
        for loc in _children(elem, "Location"):
            regions.extend(_texts(loc, "ObservatoryRegion"))
        span = _child(elem, "OperatingSpan")
        return r.Observatory(resource_id, ctx.path, header,
                             observatory_group_ids=_texts(elem, "ObservatoryGroupID"),
                             regions=regions,
                             operating_start=ctx.datetime(span, "StartDate") if span is not None else None,
                             operating_stop=ctx.datetime(span, "StopDate") if span is not None else None)
    if kind == "Person":
        return r.Person(resource_id, ctx.path, header,
                        person_name=_text(elem, "PersonName"),
                        organization_name=_text(elem, "OrganizationName"),
                        emails=_texts(elem, "Email"))
    return r.Repository(resource_id, ctx.path, header,
                        access_urls=[_access_url(u) for u in _children(elem, "AccessURL")])


def read_root(root, path):
    """Return the list of resources held by the parsed <Spase> element ``root``.

    Raises RecordError (with ``path`` and a line) if the document is not a
    SPASE document or a resource in it is malformed.
    """
    if _local(root.tag) != "Spase":
        raise RecordError(path, f"root element is <{_local(root.tag)}>, not <Spase>",
                          root.sourceline)
    namespace = _namespace(root.tag)
    if namespace not in (None, SPASE_NAMESPACE):
        raise RecordError(path, f"root element <Spase> is in the namespace {namespace},"
                          f" not SPASE's ({SPASE_NAMESPACE})", root.sourceline)
    ctx = _Context(str(path))
    found = [_resource(ctx, c) for c in root if _local(c.tag) in RESOURCE_TYPES]
    if not found:
        raise RecordError(path, "no SPASE resource (NumericalData, Instrument, "
                          "Observatory, Person, Repository, DisplayData) in the file")
    return found


def read_file(path, max_bytes=None):
    """Return the list of resources in the SPASE file at ``path``.

    Raises RecordError (path, line, reason) for an unsafe, broken or
    non-SPASE file.
    """
    root = parse_file(path) if max_bytes is None else parse_file(path, max_bytes)
    return read_root(root, path)
