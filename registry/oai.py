"""Harvesting an OAI-PMH endpoint with sickle: single requests, whole lists
(following resumption tokens) and the parts of a response the checks read."""

from dataclasses import dataclass, field

import requests
from lxml import etree
from sickle import Sickle, oaiexceptions
from sickle.iterator import OAIResponseIterator

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
RI_NS = "http://www.ivoa.net/xml/RegistryInterface/v1.0"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
NS = {"oai": OAI_NS, "ri": RI_NS, "oai_dc": OAI_DC_NS, "dc": DC_NS}


class HarvestError(Exception):
    """The endpoint did not answer with a well-formed OAI-PMH document."""


@dataclass
class Response:
    """One OAI-PMH answer: its request arguments, HTTP status and parsed XML."""
    params: dict
    status: int
    root: etree._Element

    @property
    def error_codes(self):
        """Returns the codes of the response's oai:error elements."""
        return [e.get("code") for e in self.root.findall("oai:error", NS)]

    @property
    def resumption_token(self):
        """Returns the resumptionToken text of a list response, or None."""
        token = self.root.find(".//oai:resumptionToken", NS)
        return token.text if token is not None and token.text else None


class Pages(list):
    """The Responses of a list request; end_error is the OAI error code that
    answered its last resumption token, if one did."""
    end_error = None


@dataclass
class Header:
    """An oai:header: identifier, datestamp, sets and deletion status."""
    identifier: str
    datestamp: str
    sets: list = field(default_factory=list)
    deleted: bool = False

    @classmethod
    def from_element(cls, element):
        return cls(element.findtext("oai:identifier", "", NS).strip(),
            element.findtext("oai:datestamp", "", NS).strip(),
            [s.text for s in element.findall("oai:setSpec", NS)],
            element.get("status") == "deleted")


@dataclass
class Record:
    """An oai:record: its header and its metadata element (None when deleted)."""
    header: Header
    metadata: etree._Element

    @classmethod
    def from_element(cls, element):
        metadata = element.find("oai:metadata", NS)
        content = metadata[0] if metadata is not None and len(metadata) else None
        return cls(Header.from_element(element.find("oai:header", NS)), content)


def parse(http_response, params):
    """Returns the Response of an HTTP answer; raises HarvestError when its body
    is not well-formed XML."""
    try:
        root = etree.fromstring(http_response.content)
    except etree.XMLSyntaxError as error:
        raise HarvestError(f"{http_response.url}: not well-formed XML ({error})")
    if root.tag != f"{{{OAI_NS}}}OAI-PMH":
        raise HarvestError(f"{http_response.url}: the root element is {root.tag},"
            " not OAI-PMH")
    return Response(params, http_response.status_code, root)


class Endpoint:
    """An OAI-PMH endpoint, harvested through sickle."""

    def __init__(self, url, timeout=60):
        self.url = url
        self.sickle = Sickle(url, iterator=OAIResponseIterator, timeout=timeout)
        self.requests = 0

    def get(self, **params):
        """Returns the Response to one request with exactly params (errors
        included: an OAI error is a normal answer here)."""
        self.requests += 1
        try:
            http_response = self.sickle._request(params)
        except requests.RequestException as error:
            raise HarvestError(f"{self.url}: {error}")
        return parse(http_response, params)

    def pages(self, verb, **params):
        """Returns the Pages (Responses) of a list request, following the
        resumption tokens; raises the sickle.oaiexceptions class of an OAI error
        of the first page (NoRecordsMatch for an empty list).  An error after a
        resumption token ends the list and is kept in its end_error."""
        params = dict(params, verb=verb)
        pages = Pages()
        try:
            self.requests += 1
            for page in self.sickle.iterator(self.sickle, params):
                pages.append(parse(page.http_response, page.params))
                self.requests += 1 if page.params.get("resumptionToken") else 0
        except requests.RequestException as error:
            raise HarvestError(f"{self.url}: {error}")
        except OAI_ERRORS as error:
            if not pages:
                raise
            pages.end_error = error_code(error)
        return pages

    def headers(self, pages):
        """Returns the Headers of ListIdentifiers pages."""
        return [Header.from_element(e) for page in pages
            for e in page.root.iterfind("oai:ListIdentifiers/oai:header", NS)]

    def records(self, pages):
        """Returns the Records of ListRecords or GetRecord pages."""
        return [Record.from_element(e) for page in pages
            for e in page.root.iterfind("*/oai:record", NS)]


ERROR_CLASSES = {name[0].lower() + name[1:]: getattr(oaiexceptions, name)
    for name in ("BadArgument", "BadVerb", "BadResumptionToken",
        "CannotDisseminateFormat", "IdDoesNotExist", "NoRecordsMatch",
        "NoMetadataFormat", "NoSetHierarchy")}
# The exceptions sickle raises for the OAI-PMH errors of a response.
OAI_ERRORS = (oaiexceptions.OAIError, *ERROR_CLASSES.values())


def error_code(exception):
    """Returns the OAI-PMH error code a sickle exception stands for."""
    for code, cls in ERROR_CLASSES.items():
        if isinstance(exception, cls):
            return code
    return type(exception).__name__
