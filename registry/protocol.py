"""The OAI-PMH checks: every verb in both metadata formats, with and without the
ivo_managed set, resumption tokens, selective harvesting and the error conditions."""

import datetime

from . import oai, records
from .harvest import (GRANULARITY_PATTERNS, MANAGED_SET, PREFIXES, SET_CHOICES,
    describe, list_pages, response_problems)


def check_identify(harvest):
    """Identify: the repository description and the Registry record within it."""
    report = harvest.report
    report.start("Identify")
    response = harvest.endpoint.get(verb="Identify")
    problems = response_problems(response) + [f"OAI error {c}" for c in response.error_codes]
    report.add("Identify answers a schema-valid response", problems)
    identify = response.root.find("oai:Identify", oai.NS)
    if identify is None:
        report.add("Identify describes the repository", "no oai:Identify element")
        return False
    field_text = {name: identify.findtext(f"oai:{name}", "", oai.NS).strip() for name in (
        "repositoryName", "baseURL", "protocolVersion", "adminEmail",
        "earliestDatestamp", "deletedRecord", "granularity")}
    report.add("repositoryName and adminEmail are given",
        [f"{n} is empty" for n in ("repositoryName", "adminEmail") if not field_text[n]])
    report.add(f"baseURL is {harvest.base_url}", [] if field_text["baseURL"] == harvest.base_url
        else f"baseURL is {field_text['baseURL']!r}")
    report.add("protocolVersion is 2.0", [] if field_text["protocolVersion"] == "2.0"
        else f"protocolVersion is {field_text['protocolVersion']!r}")
    harvest.granularity = field_text["granularity"]
    harvest.earliest = field_text["earliestDatestamp"]
    pattern = GRANULARITY_PATTERNS.get(harvest.granularity)
    report.add("earliestDatestamp has the declared granularity",
        [] if pattern and pattern.fullmatch(harvest.earliest) else
        f"earliestDatestamp {harvest.earliest!r}, granularity {harvest.granularity!r}")
    registry = identify.find("oai:description/ri:Resource", oai.NS)
    if registry is None:
        report.add("Identify carries the Registry record", "no ri:Resource in oai:description")
        return False
    problems = []
    if records.xsi_type(registry) != f"{{{records.VG_NS}}}Registry":
        problems.append(f"the record's xsi:type is {registry.get(oai.XSI_TYPE)}, not vg:Registry")
    harvest.registry_id = records.text(registry, "identifier")
    harvest.authorities = {a.text.strip().lower() for a in registry.iterfind("managedAuthority")
        if a.text and a.text.strip()}
    if not harvest.authorities:
        problems.append("the Registry record names no managedAuthority")
    harvests = [c for c in registry.iterfind("capability")
        if c.get("standardID") == "ivo://ivoa.net/std/Registry"
        and records.xsi_type(c) == f"{{{records.VG_NS}}}Harvest"]
    urls = [records.text(i, "accessURL") for c in harvests for i in c.iterfind("interface")
        if records.xsi_type(i) == f"{{{records.VG_NS}}}OAIHTTP"]
    if harvest.base_url not in urls:
        problems.append(f"no vg:Harvest capability with an OAIHTTP interface at"
            f" {harvest.base_url} (found {urls or 'none'})")
    failures, warnings = records.record_problems(registry, harvest.authorities)
    report.add(f"the Registry record {harvest.registry_id} (managed authority:"
        f" {', '.join(sorted(harvest.authorities)) or 'none'})", problems + failures)
    if warnings:
        report.add(f"the Registry record {harvest.registry_id}: lesser flaws", warnings,
            warn_only=True)
    return True


def check_metadata_formats(harvest):
    """ListMetadataFormats: ivo_vor and oai_dc with their namespaces."""
    report = harvest.report
    report.start("ListMetadataFormats")
    wanted = {"ivo_vor": oai.RI_NS, "oai_dc": oai.OAI_DC_NS}
    for params in ({}, {"identifier": harvest.registry_id}):
        response = harvest.endpoint.get(verb="ListMetadataFormats", **params)
        formats = {f.findtext("oai:metadataPrefix", "", oai.NS): f.findtext(
            "oai:metadataNamespace", "", oai.NS) for f in response.root.iterfind(
            "oai:ListMetadataFormats/oai:metadataFormat", oai.NS)}
        problems = response_problems(response) + [
            f"{prefix} with namespace {ns} is missing" for prefix, ns in wanted.items()
            if formats.get(prefix) != ns]
        request = " ".join(filter(None, ["ListMetadataFormats", describe(params)]))
        report.add(f"{request} lists ivo_vor and oai_dc", problems)


def check_sets(harvest):
    """ListSets: the ivo_managed set."""
    harvest.report.start("ListSets")
    pages = list_pages(harvest, "ListSets")
    if pages is None:
        return
    specs = [s.text for p in pages for s in p.root.iterfind("oai:ListSets/oai:set/oai:setSpec",
        oai.NS)]
    harvest.report.add("ListSets answers a schema-valid response listing ivo_managed",
        [e for p in pages for e in response_problems(p)]
        + ([] if MANAGED_SET in specs else [f"no set ivo_managed among {specs}"]))


def _pages_summary(pages, count):
    """Returns a report detail on how many records came in how many pages."""
    if len(pages) == 1:
        return f"{count} records in one response (no resumption token needed)"
    return f"{count} records in {len(pages)} responses ({len(pages) - 1} resumption tokens)"


def check_lists(harvest):
    """ListIdentifiers and ListRecords in both formats, with and without ivo_managed."""
    report = harvest.report
    for verb in ("ListIdentifiers", "ListRecords"):
        report.start(verb)
        for prefix in PREFIXES:
            for set_spec in SET_CHOICES:
                params = {"metadataPrefix": prefix, **({"set": set_spec} if set_spec else {})}
                pages = list_pages(harvest, verb, **params)
                if pages is None:
                    continue
                problems = [e for p in pages for e in response_problems(p)]
                if verb == "ListIdentifiers":
                    headers = harvest.endpoint.headers(pages)
                else:
                    found = harvest.endpoint.records(pages)
                    headers = [r.header for r in found]
                    harvest.datestamps.update({(prefix, h.identifier): h.datestamp
                        for h in headers})
                    problems += _record_list_problems(harvest, prefix, found)
                ids = [h.identifier for h in headers]
                harvest.headers[verb, prefix, set_spec] = headers
                problems += [f"{i} is listed twice" for i in sorted(set(ids))
                    if ids.count(i) > 1]
                if set_spec:
                    wanted = [harvest.registry_id] + [f"ivo://{a}" for a in harvest.authorities]
                    problems += [f"{i} is not in the set {set_spec}" for i in wanted
                        if i.lower() not in {x.lower() for x in ids}]
                    problems += [f"{i} is not in the unrestricted list" for i in ids
                        if i not in [h.identifier for h in
                            harvest.headers.get((verb, prefix, None), headers)]]
                if verb == "ListRecords":
                    listed = [h.identifier for h in harvest.headers.get(
                        ("ListIdentifiers", prefix, set_spec), [])]
                    if sorted(listed) != sorted(ids):
                        problems.append(f"ListRecords gives {sorted(ids)},"
                            f" ListIdentifiers {sorted(listed)}")
                report.add(f"{verb} {describe(params)}: {_pages_summary(pages, len(ids))}",
                    problems)
                missing_set = [h.identifier for h in headers
                    if set_spec and set_spec not in h.sets and not h.deleted]
                if missing_set:
                    report.add(f"{verb} {describe(params)}: headers name the set",
                        [f"the header of {i} has no setSpec {set_spec}" for i in missing_set],
                        warn_only=verb == "ListRecords")


def _record_list_problems(harvest, prefix, found):
    """Returns the problems of the records of a ListRecords answer; keeps the
    ivo_vor records in harvest.resources."""
    problems = []
    for record in found:
        ident = record.header.identifier
        if record.header.deleted:
            continue
        if record.metadata is None:
            problems.append(f"{ident}: the record has no metadata")
        elif prefix == "ivo_vor":
            if record.metadata.tag != f"{{{oai.RI_NS}}}Resource":
                problems.append(f"{ident}: the metadata is {record.metadata.tag}, not ri:Resource")
            elif records.text(record.metadata, "identifier") != ident:
                problems.append(f"{ident}: the record's identifier is"
                    f" {records.text(record.metadata, 'identifier')!r}")
            else:
                harvest.resources[ident] = record.metadata
        else:
            if not (record.metadata.findtext("dc:title", "", oai.NS) or "").strip():
                problems.append(f"{ident}: the oai_dc record has no dc:title")
            if ident not in [i.text for i in record.metadata.iterfind("dc:identifier", oai.NS)]:
                problems.append(f"{ident}: no dc:identifier gives the record's identifier")
    return problems


def page_size_for(count):
    """Returns a page size that cuts a list of count records into several pages,
    the last one not full (about three pages)."""
    size = max(1, count // 3)
    while count % size == 0 and size < count:
        size += 1
    return size


def check_resumption(harvest):
    """Resumption tokens: lists cut into pages (asked for with DaCHS's maxRecords
    argument) give the same records as the whole lists."""
    report = harvest.report
    report.start("Resumption tokens")
    for verb in ("ListIdentifiers", "ListRecords"):
        for set_spec in SET_CHOICES:
            whole = [h.identifier for h in harvest.headers.get((verb, "ivo_vor", set_spec), [])]
            if len(whole) < 3:
                report.info(f"{verb}: too few records ({len(whole)}) to page")
                continue
            size = page_size_for(len(whole))
            params = {"metadataPrefix": "ivo_vor", "maxRecords": str(size),
                **({"set": set_spec} if set_spec else {})}
            first = harvest.endpoint.get(verb=verb, **params)
            if first.error_codes == ["badArgument"]:
                report.info(f"{verb}: the server pages only at its own page size",
                    [f"the whole list ({len(whole)} records) came in one response"])
                return
            pages = list_pages(harvest, verb, **params)
            if pages is None:
                continue
            got = [h.identifier for h in (harvest.endpoint.headers(pages)
                if verb == "ListIdentifiers" else
                [r.header for r in harvest.endpoint.records(pages)])]
            problems = [e for p in pages for e in response_problems(p)]
            if len(pages) < 2:
                problems.append(f"{len(whole)} records came in one response")
            if sorted(got) != sorted(whole):
                problems.append(f"the pages give {sorted(got)}, the whole list {sorted(whole)}")
            report.add(f"{verb} {describe(params)}: {_pages_summary(pages, len(got))}",
                problems)
    check_full_last_page(harvest)


def check_full_last_page(harvest):
    """A list filling its last page exactly: the token of that page, if any, must
    lead to an empty end of list, not to an error."""
    whole = harvest.headers.get(("ListIdentifiers", "ivo_vor", None), [])
    if not whole:
        return
    params = {"metadataPrefix": "ivo_vor", "maxRecords": str(len(whole))}
    first = harvest.endpoint.get(verb="ListIdentifiers", **params)
    problems = response_problems(first)
    if first.resumption_token:
        last = harvest.endpoint.get(verb="ListIdentifiers",
            resumptionToken=first.resumption_token)
        problems += response_problems(last)
        if last.error_codes:
            problems.append(f"the token of the full last page leads to {last.error_codes}"
                " instead of the end of the list (harvesters stop there with an error)")
    harvest.report.add(f"ListIdentifiers {describe(params)}: a list filling its pages exactly",
        problems, warn_only=not any(p.startswith(("schema", "HTTP")) for p in problems))


def check_get_record(harvest):
    """GetRecord of every listed identifier in both formats."""
    report = harvest.report
    report.start("GetRecord")
    identifiers = [h.identifier for h in harvest.headers.get(("ListIdentifiers", "ivo_vor",
        None), []) if not h.deleted]
    for prefix in PREFIXES:
        problems = []
        for ident in identifiers:
            response = harvest.endpoint.get(verb="GetRecord", metadataPrefix=prefix,
                identifier=ident)
            problems += [f"{ident}: {p}" for p in response_problems(response)]
            problems += [f"{ident}: OAI error {c}" for c in response.error_codes]
            found = harvest.endpoint.records([response])
            if len(found) != 1:
                problems.append(f"{ident}: {len(found)} records instead of one")
                continue
            if found[0].header.identifier != ident:
                problems.append(f"{ident}: the header gives {found[0].header.identifier}")
            problems += _record_list_problems(harvest, prefix, found)
        report.add(f"GetRecord metadataPrefix={prefix} of each of the"
            f" {len(identifiers)} identifiers", problems)


def check_dates(harvest):
    """Selective harvesting: from and until, in both granularities."""
    report = harvest.report
    report.start("Selective harvesting (from, until)")
    headers = [h for h in harvest.headers.get(("ListIdentifiers", "ivo_vor", None), [])]
    if not headers:
        report.add("from/until", "no identifiers to select from")
        return
    pattern = GRANULARITY_PATTERNS.get(harvest.granularity, GRANULARITY_PATTERNS["YYYY-MM-DD"])
    report.add(f"every datestamp has the granularity {harvest.granularity}",
        [f"{h.identifier}: datestamp {h.datestamp!r}" for h in headers
            if not pattern.fullmatch(h.datestamp)])
    latest = max(h.datestamp for h in headers)
    stamps = {h.identifier: h.datestamp for h in headers}
    cases = [
        ({"from": latest}, lambda d: d >= latest),
        ({"until": latest}, lambda d: d <= latest),
        ({"from": latest[:10]}, lambda d: d[:10] >= latest[:10]),
        ({"until": latest[:10]}, lambda d: d[:10] <= latest[:10]),
        ({"from": harvest.earliest, "until": latest}, lambda d: True),
    ]
    for selection, wanted in cases:
        for verb in ("ListIdentifiers", "ListRecords"):
            params = {"metadataPrefix": "ivo_vor", "set": MANAGED_SET, **selection}
            pages = list_pages(harvest, verb, **params)
            if pages is None:
                continue
            got = (harvest.endpoint.headers(pages) if verb == "ListIdentifiers"
                else [r.header for r in harvest.endpoint.records(pages)])
            expected = {h.identifier for h in harvest.headers.get(
                ("ListIdentifiers", "ivo_vor", MANAGED_SET), []) if wanted(h.datestamp)}
            got_ids = {h.identifier for h in got}
            problems = [e for p in pages for e in response_problems(p)]
            # A datestamp shows whole seconds; a server keeping finer record
            # times misses, with until=T, the records of second T.
            same_second = {i for i in expected - got_ids if stamps.get(i) == selection.get("until")}
            problems += [f"{i} is missing" for i in sorted(expected - got_ids - same_second)]
            problems += [f"{i} is outside the selection" for i in sorted(got_ids - expected)]
            report.add(f"{verb} {describe(params)}: {len(got_ids)} records", problems)
            if same_second:
                report.add(f"{verb} {describe(params)}: until includes its own second",
                    [f"{i} (datestamp {stamps[i]}) is missing: the server compares until"
                    " with record times finer than the datestamps" for i in sorted(same_second)],
                    warn_only=True)
    future = f"{datetime.date.today().year + 10}-01-01"
    for verb in ("ListIdentifiers", "ListRecords"):
        params = {"metadataPrefix": "ivo_vor", "from": future}
        response = harvest.endpoint.get(verb=verb, **params)
        report.add(f"{verb} {describe(params)} matches nothing",
            response_problems(response) + ([] if response.error_codes == ["noRecordsMatch"]
            else [f"answered {response.error_codes or 'records'}, not noRecordsMatch"]))
    differing = [f"{i}: ListIdentifiers {stamps[i]}, ListRecords {d}"
        for (prefix, i), d in harvest.datestamps.items()
        if prefix == "ivo_vor" and i in stamps and d != stamps[i]]
    if differing:
        report.add("ListIdentifiers and ListRecords give the same datestamps", differing,
            warn_only=True)


def error_cases(harvest):
    """Returns (what, request arguments, expected error code, warn_only) for
    every OAI-PMH error condition."""
    auth = sorted(harvest.authorities)[0] if harvest.authorities else "example.org"
    future = f"{datetime.date.today().year + 10}-01-01"
    return [
        ("an unknown verb", {"verb": "NoSuchVerb"}, "badVerb", False),
        # OAI-PMH 2.0 asks for badVerb; DaCHS answers badArgument.
        ("a missing verb", {}, "badVerb", True),
        ("an unknown argument", {"verb": "Identify", "nosuchargument": "1"},
            "badArgument", False),
        ("ListRecords without metadataPrefix", {"verb": "ListRecords"}, "badArgument", False),
        ("ListIdentifiers without metadataPrefix", {"verb": "ListIdentifiers"},
            "badArgument", False),
        ("GetRecord without identifier", {"verb": "GetRecord", "metadataPrefix": "ivo_vor"},
            "badArgument", False),
        ("an illegal from date", {"verb": "ListIdentifiers", "metadataPrefix": "ivo_vor",
            "from": "yesterday"}, "badArgument", False),
        ("ListRecords in an unknown format", {"verb": "ListRecords",
            "metadataPrefix": "no_such_format"}, "cannotDisseminateFormat", False),
        ("GetRecord in an unknown format", {"verb": "GetRecord",
            "metadataPrefix": "no_such_format", "identifier": harvest.registry_id},
            "cannotDisseminateFormat", False),
        ("GetRecord of an unknown identifier", {"verb": "GetRecord",
            "metadataPrefix": "ivo_vor", "identifier": f"ivo://{auth}/no/such/resource"},
            "idDoesNotExist", False),
        ("ListMetadataFormats of an unknown identifier", {"verb": "ListMetadataFormats",
            "identifier": f"ivo://{auth}/no/such/resource"}, "idDoesNotExist", False),
        ("ListRecords from a future date", {"verb": "ListRecords", "metadataPrefix": "oai_dc",
            "set": MANAGED_SET, "from": future}, "noRecordsMatch", False),
        ("ListIdentifiers until before earliestDatestamp", {"verb": "ListIdentifiers",
            "metadataPrefix": "ivo_vor", "until": "1900-01-01"}, "noRecordsMatch", False),
        ("an invalid resumption token", {"verb": "ListRecords",
            "resumptionToken": "no-such-token"}, "badResumptionToken", False),
    ]


def check_errors(harvest):
    """Each OAI-PMH error condition answers its error code in a valid response."""
    report = harvest.report
    report.start("Error conditions")
    for what, params, code, warn_only in error_cases(harvest):
        response = harvest.endpoint.get(**params)
        problems = response_problems(response)
        if response.error_codes != [code]:
            problems.append(f"answered {response.error_codes or 'no error'}")
        report.add(f"{code}: {what} ({describe(params) or 'no argument'})", problems,
            warn_only=warn_only and not response_problems(response))
