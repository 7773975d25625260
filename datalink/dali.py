"""DALI error documents: what a DataLink or SODA service returns with an HTTP error."""

import re

from lxml import etree

VOTABLE_NS = "http://www.ivoa.net/xml/VOTable/v1.3"
MEDIA_TYPE = "application/x-votable+xml"
#: Characters XML 1.0 does not allow (what a hostile request may put in a message).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text):
    """Return ``text`` with the characters XML cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", str(text))


def error_document(message):
    """Return the bytes of a DALI error VOTable: QUERY_STATUS ERROR carrying ``message``."""
    votable = etree.Element(f"{{{VOTABLE_NS}}}VOTABLE", nsmap={None: VOTABLE_NS}, version="1.4")
    resource = etree.SubElement(votable, f"{{{VOTABLE_NS}}}RESOURCE", type="results")
    info = etree.SubElement(resource, f"{{{VOTABLE_NS}}}INFO", name="QUERY_STATUS", value="ERROR")
    info.text = xml_text(message)
    return etree.tostring(votable, xml_declaration=True, encoding="UTF-8", pretty_print=True)
