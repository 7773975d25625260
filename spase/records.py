"""Typed SPASE 2.x resources: the objects :mod:`spase.reader` builds from XML."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from spase.timeutil import Duration


@dataclass(frozen=True)
class Contact:
    person_id: str
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class InformationURL:
    url: str
    name: str | None = None
    description: str | None = None


@dataclass
class ResourceHeader:
    name: str | None = None
    alternate_names: list[str] = field(default_factory=list)
    release_date: dt.datetime | None = None
    description: str | None = None
    acknowledgement: str | None = None
    contacts: list[Contact] = field(default_factory=list)
    information_urls: list[InformationURL] = field(default_factory=list)
    prior_ids: list[str] = field(default_factory=list)
    doi: str | None = None


@dataclass(frozen=True)
class AccessURL:
    url: str
    name: str | None = None
    style: str | None = None
    product_keys: tuple[str, ...] = ()
    description: str | None = None


@dataclass
class AccessInformation:
    repository_id: str | None = None
    availability: str | None = None
    access_rights: str | None = None
    access_urls: list[AccessURL] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    acknowledgement: str | None = None


@dataclass(frozen=True)
class TimeSpan:
    """A SPASE TimeSpan: a start and either a StopDate or a RelativeStopDate."""

    start: dt.datetime
    stop: dt.datetime | None = None
    relative_stop: Duration | None = None

    def stop_at(self, now):
        """Return the stop date-time, resolving a RelativeStopDate against ``now``.

        ``now`` is a timezone-aware datetime.  A span with neither StopDate nor
        RelativeStopDate runs until ``now``.
        """
        if self.stop is not None:
            return self.stop
        if self.relative_stop is not None:
            return self.relative_stop.add_to(now)
        return now


@dataclass(frozen=True)
class CoordinateSystem:
    representation: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Element:
    name: str | None = None
    qualifiers: tuple[str, ...] = ()
    index: str | None = None
    parameter_key: str | None = None


@dataclass
class Parameter:
    """A Parameter of a NumericalData record.

    ``kind`` is the SPASE parameter type (Field, Particle, Wave, Mixed,
    Support); ``quantities`` its FieldQuantity/ParticleQuantity/... values.
    ``fill_value`` is the FillValue as a float (NaN for "nan"), or None if
    absent or unreadable (the literal stays in ``fill_value_text``).
    """

    name: str | None = None
    parameter_key: str | None = None
    description: str | None = None
    ucd: str | None = None
    units: str | None = None
    units_conversion: str | None = None
    coordinate_system: CoordinateSystem | None = None
    display_types: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    elements: list[Element] = field(default_factory=list)
    fill_value: float | None = None
    fill_value_text: str | None = None
    valid_min: str | None = None
    valid_max: str | None = None
    kind: str | None = None
    qualifiers: list[str] = field(default_factory=list)
    quantities: list[str] = field(default_factory=list)
    particle_types: list[str] = field(default_factory=list)
    frequency_range: tuple[float | None, float | None, str | None] | None = None


@dataclass
class Resource:
    """What every SPASE resource has: its ResourceID, header and source file."""

    resource_id: str
    path: str
    header: ResourceHeader

    @property
    def local_id(self):
        """Return the last segment of the ResourceID."""
        return self.resource_id.rstrip("/").rsplit("/", 1)[-1]


@dataclass
class NumericalData(Resource):
    """A NumericalData (or DisplayData, see ``resource_type``) record."""

    resource_type: str = "NumericalData"
    access: list[AccessInformation] = field(default_factory=list)
    provider_name: str | None = None
    provider_resource_name: str | None = None
    provider_processing_level: str | None = None
    processing_levels: list[str] = field(default_factory=list)
    instrument_ids: list[str] = field(default_factory=list)
    measurement_types: list[str] = field(default_factory=list)
    time_span: TimeSpan | None = None
    cadence: Duration | None = None
    cadence_min: Duration | None = None
    cadence_max: Duration | None = None
    observed_regions: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    parameters: list[Parameter] = field(default_factory=list)

    @property
    def access_rights(self):
        """Return the set of AccessRights values of all AccessInformation blocks."""
        return {a.access_rights for a in self.access if a.access_rights}

    @property
    def is_open(self):
        """Return True if every AccessInformation block says AccessRights Open."""
        rights = self.access_rights
        return bool(rights) and rights == {"Open"}

    def access_urls(self, style=None):
        """Return the AccessURLs of all blocks, only those of ``style`` if given."""
        return [u for a in self.access for u in a.access_urls
                if style is None or u.style == style]


@dataclass
class Instrument(Resource):
    instrument_types: list[str] = field(default_factory=list)
    investigation_names: list[str] = field(default_factory=list)
    observatory_ids: list[str] = field(default_factory=list)


@dataclass
class Observatory(Resource):
    observatory_group_ids: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    operating_start: dt.datetime | None = None
    operating_stop: dt.datetime | None = None


@dataclass
class Person(Resource):
    person_name: str | None = None
    organization_name: str | None = None
    emails: list[str] = field(default_factory=list)


@dataclass
class Repository(Resource):
    access_urls: list[AccessURL] = field(default_factory=list)
