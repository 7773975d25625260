"""The content checks: each VOResource record, the managed authority, and the
records of the site's services (TAP, EPN-TAP tables, DataLink)."""

from . import oai, records
from .identifiers import authority


def check_records(harvest):
    """Every ivo_vor record: schema, title, identifier, authority, curation."""
    report = harvest.report
    report.start("VOResource records")
    for ident, resource in sorted(harvest.resources.items()):
        failures, warnings = records.record_problems(resource, harvest.authorities)
        kind = (resource.get(oai.XSI_TYPE) or "untyped").split(":")[-1]
        report.add(f"{ident} ({kind})", failures)
        if warnings:
            report.add(f"{ident}: lesser flaws", warnings, warn_only=True)


def check_authority(harvest, expected_authority=None):
    """The managed authority: its Authority record, and the authority of every record."""
    report = harvest.report
    report.start("Managed authority")
    if expected_authority:
        report.add(f"the registry manages the authority {expected_authority}",
            [] if expected_authority.lower() in harvest.authorities else
            f"it manages {sorted(harvest.authorities)}")
    for auth in sorted(harvest.authorities):
        resource = harvest.resources.get(f"ivo://{auth}")
        problems = []
        if resource is None:
            problems.append(f"no record ivo://{auth}")
        elif records.xsi_type(resource) != f"{{{records.VG_NS}}}Authority":
            problems.append(f"ivo://{auth} is a {resource.get(oai.XSI_TYPE)}, not vg:Authority")
        elif not records.text(resource, "managingOrg"):
            problems.append(f"ivo://{auth} has no managingOrg")
        report.add(f"the Authority record ivo://{auth}", problems)
    identifiers = [h.identifier for h in harvest.headers.get(
        ("ListIdentifiers", "ivo_vor", None), [])]
    report.add(f"the authority of each of the {len(identifiers)} records is managed",
        [f"{i}: authority {authority(i)!r}" for i in identifiers
            if authority(i) not in harvest.authorities])


def check_services(harvest):
    """The site's TAP service, one TAP auxiliary record per EPN-TAP table it
    serves, and the DataLink services."""
    report = harvest.report
    report.start("Services")
    taps = {i: r for i, r in harvest.resources.items()
        if records.TAP_STANDARD in records.standard_ids(r)}
    report.add("the TAP service has a record", [] if taps else "no record with a"
        f" capability {records.TAP_STANDARD}")
    tap_urls = {records.text(i, "accessURL") for r in taps.values()
        for c in r.iterfind("capability") if c.get("standardID") == records.TAP_STANDARD
        for i in c.iterfind("interface")}
    served = sorted({name for r in taps.values()
        for name, utype in records.table_utypes(r).items()
        if utype.startswith(records.EPNTAP_UTYPE)})
    aux = {name: ident for ident, r in harvest.resources.items()
        if records.TAP_AUX in records.standard_ids(r)
        for name in records.table_utypes(r)}
    report.add(f"each EPN-TAP table of the TAP service ({', '.join(served) or 'none'}) has"
        " a TAP auxiliary record", [f"{name} has no record with a capability"
        f" {records.TAP_AUX}" for name in served if name not in aux])
    problems = []
    for ident, r in harvest.resources.items():
        for c in r.iterfind("capability"):
            if c.get("standardID") == records.TAP_AUX:
                urls = {records.text(i, "accessURL") for i in c.iterfind("interface")}
                if not urls & tap_urls:
                    problems.append(f"{ident}: the auxiliary capability points at"
                        f" {sorted(urls)}, not at the TAP service {sorted(tap_urls)}")
    report.add("the TAP auxiliary capabilities point at the TAP service", problems)
    datalinks = sorted(i for i, r in harvest.resources.items()
        if records.is_datalink(r))
    if datalinks:
        report.info(f"{len(datalinks)} DataLink service record(s)", datalinks)
    linked = sorted(name for ident, r in harvest.resources.items()
        if records.TAP_AUX in records.standard_ids(r)
        for name, table in records.tables(r).items()
        if "datalink_url" in records.column_names(table)
        and not any(d.startswith(ident.rsplit("/", 1)[0] + "/") for d in datalinks))
    report.add("each table with a datalink_url column has its DataLink service's record",
        [f"{name}: no record with a capability {' or '.join(records.DATALINK_STANDARDS)} from the same"
        " resource descriptor" for name in linked], warn_only=True)
