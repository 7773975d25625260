"""Read SPASE 2.x records (NumericalData, Instrument, Observatory, Person,
Repository, DisplayData) safely into typed objects and resolve their references.

    >>> from spase import Catalog
    >>> cat = Catalog.load("resources/amdadb/data/spase")
    >>> ds = cat.get("spase://CNES/NumericalData/CDPP-AMDA/MMS/MMS1/FGM/mms1-fgm-brst")
    >>> [o.header.name for i in cat.instruments(ds) for o in cat.observatories(i)]
    ['MMS1']
"""
from spase.catalog import Catalog, iter_xml_files
from spase.reader import parse_fill_value, read_file
from spase.records import (AccessInformation, AccessURL, CoordinateSystem, Element,
                           Instrument, NumericalData, Observatory, Parameter, Person,
                           Repository, ResourceHeader, TimeSpan)
from spase.safexml import MAX_FILE_BYTES, RecordError, parse_bytes, parse_file
from spase.timeutil import Duration, parse_datetime, parse_duration

__all__ = [
    "AccessInformation", "AccessURL", "Catalog", "CoordinateSystem", "Duration",
    "Element", "Instrument", "MAX_FILE_BYTES", "NumericalData", "Observatory",
    "Parameter", "Person", "RecordError", "Repository", "ResourceHeader", "TimeSpan",
    "iter_xml_files", "parse_bytes", "parse_datetime", "parse_duration",
    "parse_fill_value", "parse_file", "read_file",
]
