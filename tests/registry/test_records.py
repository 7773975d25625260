"""Record checks on records DaCHS builds from RDs held in memory (no server):
a DataLink service published with <publish render="dlmeta" sets="ivo_managed"/>."""

import pytest
from lxml import etree

from registry import records
from registry.oai import RI_NS

SCRATCH_RD = """<resource schema="scratch_registry">
  <meta name="title">Scratch resource of the registry tests</meta>
  <meta name="description">A resource descriptor that only lives in memory.</meta>
  <meta name="creationDate">2025-01-01T00:00:00Z</meta>
  <meta name="subject">solar-wind</meta>
  <meta name="referenceURL">https://cdpp.irap.omp.eu</meta>
  <service id="dl" allowed="dlget,dlmeta">
    <meta name="title">Scratch DataLink service</meta>
    <meta name="shortName">scratch dl</meta>
    {identifier}
    <datalinkCore>
      <descriptorGenerator procDef="//soda#fromStandardPubDID"/>
    </datalinkCore>
    <publish render="dlmeta" sets="ivo_managed"/>
  </service>
</resource>"""


def dachs_record(identifier=""):
    """Returns the ri:Resource DaCHS builds for the scratch DataLink service."""
    from gavo import base, rscdesc
    from gavo.registry import builders
    rd = base.parseFromString(rscdesc.RD, SCRATCH_RD.format(identifier=identifier))
    rd.sourceId = "scratch_registry/q"
    root = etree.fromstring(builders.getVOResourceElement(rd.getById("dl")).render())
    return root.find(f".//{{{RI_NS}}}Resource")


@pytest.fixture(scope="module")
def authority():
    from gavo import base
    return base.getConfig("ivoa", "authority")


def test_a_dachs_datalink_record_is_valid(authority):
    resource = dachs_record()
    assert records.is_datalink(resource)
    assert records.record_problems(resource, {authority}) == ([], [])


def test_a_datalink_record_of_a_foreign_authority_is_refused(authority):
    resource = dachs_record('<meta name="identifier">ivo://elsewhere.example/dl</meta>')
    failures, _ = records.record_problems(resource, {authority})
    assert failures == [f"the authority of ivo://elsewhere.example/dl is 'elsewhere.example',"
        f" which the registry does not manage (it manages {authority})"]


def test_a_tap_aux_record_without_epntap_table_is_refused(authority):
    resource = dachs_record()
    resource.find("capability").set("standardID", records.TAP_AUX)
    failures, _ = records.record_problems(resource, {authority})
    assert failures == [f"a {records.TAP_AUX} capability, but no table of the tableset"
        f" has an EPN-TAP 2 utype ({records.EPNTAP_UTYPE}*)"]


def test_a_short_name_longer_than_16_characters_fails_the_schema(authority):
    resource = dachs_record()
    resource.find("shortName").text = "transplanet.epn_core"
    failures, _ = records.record_problems(resource, {authority})
    assert len(failures) == 1
    assert failures[0].startswith("schema: ") and "'maxLength'" in failures[0]
