"""The XML schemas of the registry interface, read from the copies DaCHS ships.

Every schema location resolves to a file of DaCHS's schema directory: the file of
the same name, or else the schema whose targetNamespace is that URL (DaCHS 2.11's
schemas import e.g. STC by its namespace URL http://www.ivoa.net/xml/STC/stc-v1.30.xsd,
which is the local stc.xsd): validation never reaches the network.
"""

import functools
from pathlib import Path

from lxml import etree

import gavo

SCHEMA_DIR = Path(gavo.__file__).parent / "resources" / "schemata"

# The schemas a publishing registry's responses may use: OAI-PMH and its Dublin
# Core format, the registry interface, VOResource and its extensions (among them
# VODataService, VORegistry and TAPRegExt), VOSI and DaCHS's own additions.
REGISTRY_SCHEMAS = (
    "OAI-PMH.xsd", "oai_dc.xsd", "RegistryInterface.xsd", "VOResource.xsd",
    "VODataService.xsd", "VORegistry.xsd", "TAPRegExt.xsd", "StandardsRegExt.xsd",
    "ConeSearch.xsd", "SIA.xsd", "SSA.xsd", "SLAP.xsd", "DocRegExt.xsd",
    "DataModel.xsd", "VOSICapabilities.xsd", "VOSITables.xsd",
    "VOSIAvailability.xsd", "Colstats.xsd", "DaCHS.xsd", "eudat-core.xsd",
)


class MissingSchema(Exception):
    """A schema location that names no file of the local schema directory."""


class LocalSchemaResolver(etree.Resolver):
    """Resolves every schema location to the file of the same name in SCHEMA_DIR."""

    def __init__(self, directory=SCHEMA_DIR):
        super().__init__()
        self.directory = Path(directory)

    def resolve(self, url, pubid, context):
        name = url.rstrip("/").rsplit("/", 1)[-1]
        path = self.directory / name
        if not path.is_file():
            path = _by_namespace(str(self.directory)).get(url)
        if path is None:
            raise MissingSchema(f"no local copy of the schema {url} in {self.directory}")
        return self.resolve_filename(str(path), context)


def _target_namespace(path):
    """Returns the targetNamespace of the schema file at path."""
    return etree.parse(str(path)).getroot().get("targetNamespace")


@functools.lru_cache(maxsize=None)
def _by_namespace(directory):
    """Returns {targetNamespace: path} of the schema files in directory."""
    return {_target_namespace(path): path for path in sorted(Path(directory).glob("*.xsd"))}


@functools.lru_cache(maxsize=None)
def validator(directory=str(SCHEMA_DIR), names=REGISTRY_SCHEMAS):
    """Returns an lxml XMLSchema joining the schemas names of directory."""
    directory = Path(directory)
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(LocalSchemaResolver(directory))
    xs = "http://www.w3.org/2001/XMLSchema"
    root = etree.Element(f"{{{xs}}}schema", targetNamespace="urn:cdpp-epntap:registry")
    for name in names:
        path = directory / name
        etree.SubElement(root, f"{{{xs}}}import", namespace=_target_namespace(path),
            schemaLocation=path.as_uri())
    document = etree.fromstring(etree.tostring(root), parser,
        base_url=(directory / "joint.xsd").as_uri())
    return etree.XMLSchema(document)


def schema_errors(element):
    """Returns the schema violations of the XML element (or tree) as
    "line N: message" strings; an empty list when it is valid."""
    schema = validator()
    if schema.validate(element):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]
