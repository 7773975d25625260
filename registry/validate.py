"""The validation of the publishing registry: harvests its OAI-PMH endpoint and
checks what the IVOA Registry of Registries checks before it accepts a registry.

Every OAI-PMH verb in both metadata formats, with and without the ivo_managed set,
selective harvesting by date, resumption tokens, every error condition, each
response and record against the IVOA and OAI-PMH schemas, the IVOA identifier
rules, and the registry's managed authority against the authority of every record.
"""

import time

from . import content, oai, protocol
from .harvest import Harvest
from .report import Report


def validate(url, base_url=None, authority=None, timeout=60):
    """Returns the Report of a validation of the OAI-PMH endpoint at url, whose
    Identify must declare base_url (default: url) and, if given, manage authority."""
    started = time.monotonic()
    base_url = base_url or url
    report = Report(url if url == base_url else f"{url} (published as {base_url})", base_url)
    harvest = Harvest(oai.Endpoint(url, timeout=timeout), base_url, report)
    try:
        if protocol.check_identify(harvest):
            protocol.check_metadata_formats(harvest)
            protocol.check_sets(harvest)
            protocol.check_lists(harvest)
            protocol.check_resumption(harvest)
            protocol.check_get_record(harvest)
            protocol.check_dates(harvest)
            protocol.check_errors(harvest)
            content.check_records(harvest)
            content.check_authority(harvest, authority)
            content.check_services(harvest)
    except oai.HarvestError as error:
        report.add("the endpoint answers OAI-PMH", str(error))
    report.requests = harvest.endpoint.requests
    report.seconds = time.monotonic() - started
    return report
