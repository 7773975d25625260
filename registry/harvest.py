"""The state of one validation run and the helpers its checks share: the
harvested endpoint, what was learned from it, and how a response is judged."""

import re
from dataclasses import dataclass, field

from . import oai
from .report import Report
from .schemas import schema_errors

PREFIXES = ("ivo_vor", "oai_dc")
MANAGED_SET = "ivo_managed"
SET_CHOICES = (None, MANAGED_SET)
GRANULARITY_PATTERNS = {
    "YYYY-MM-DDThh:mm:ssZ": re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"),
    "YYYY-MM-DD": re.compile(r"\d{4}-\d\d-\d\d"),
}


@dataclass
class Harvest:
    """What the checks learn about the registry as they go."""
    endpoint: oai.Endpoint
    base_url: str
    report: Report
    authorities: set = field(default_factory=set)
    registry_id: str = ""
    earliest: str = ""
    granularity: str = ""
    headers: dict = field(default_factory=dict)
    resources: dict = field(default_factory=dict)
    datestamps: dict = field(default_factory=dict)


def response_problems(response):
    """Returns why an OAI-PMH response is not acceptable: HTTP status and schema."""
    problems = [] if response.status == 200 else [f"HTTP status {response.status}"]
    return problems + [f"schema: {e}" for e in schema_errors(response.root)]


def describe(params):
    """Returns the query string of a request, for the report."""
    return "&".join(f"{k}={v}" for k, v in params.items())


def list_pages(harvest, verb, **params):
    """Returns the pages of a list request, or None after reporting why it failed
    (an error after the last full page is a warning)."""
    try:
        pages = harvest.endpoint.pages(verb, **params)
    except oai.OAI_ERRORS as error:
        harvest.report.add(f"{verb} {describe(params)}",
            f"answered the OAI error {oai.error_code(error)}: {error}")
        return None
    if pages.end_error:
        harvest.report.add(f"{verb} {describe(params)}: the list ends cleanly",
            f"the resumption token of its full last page leads to {pages.end_error}"
            " instead of the end of the list", warn_only=True)
    return pages
