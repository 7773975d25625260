"""Restricted data (datasets whose AccessRights are not Open): an anonymous probe of
every route finds nothing of them.

The markers of restricted data are the ids of the restricted datasets and the
names of their local files, read from the database; an answer leaks when it
holds a marker the request did not send, or data (a CDF file, a PNG, rows).
"""

import urllib.parse

import pytest
import requests

import traffic
from instance import postgres

PNG_MAGIC = b"\x89PNG"


def database_rows(settings, sql):
    """Returns the rows (lists of texts) of ``sql`` run on the DaCHS database as its superuser."""
    out = postgres.psql(sql, database=settings["CDPP_DB_NAME"]).stdout
    return [line.split("|") for line in out.splitlines() if line]


@pytest.fixture(scope="module")
def restricted(settings):
    """What is restricted: {"datasets": ids, "granules": some granule ids, "files": (dataset, file name)}."""
    datasets = [r[0] for r in database_rows(settings,
                "SELECT DISTINCT granule_gid FROM amdadb.epn_core_restricted ORDER BY 1")]
    files = [tuple(r) for r in database_rows(settings,
             "SELECT granule_gid, file_name FROM amdadb.epn_core_restricted"
             " WHERE access_url LIKE '%/getproduct/%' ORDER BY 1, 2")]
    granules = [r[0] for r in database_rows(settings,
                "(SELECT granule_uid FROM amdadb.epn_core_restricted WHERE access_url LIKE '%/getproduct/%')"
                " UNION (SELECT granule_uid FROM amdadb.epn_core_restricted ORDER BY granule_uid LIMIT 5)")]
    assert datasets and files and granules, "the sample has no restricted dataset with a local file"
    return {"datasets": datasets, "granules": granules, "files": files}


class Probes:
    """Counts the probes of one route and the leaks found."""

    def __init__(self, markers):
        self.markers, self.count, self.leaks = markers, 0, []

    def check(self, response, sent, data_allowed=False):
        """Records a probe: a leak if the answer holds a marker not in ``sent`` (the
        request's text), or, unless ``data_allowed``, data (CDF, PNG) or a 2xx body of rows."""
        self.count += 1
        body = response.content
        text = body.decode("utf-8", "replace")
        found = [m for m in self.markers if m in text and m not in sent]
        if found:
            self.leaks.append(f"{response.url}: HTTP {response.status_code} holds {found}")
        if not data_allowed and (body.startswith(traffic.CDF_MAGIC) or body.startswith(PNG_MAGIC)):
            self.leaks.append(f"{response.url}: HTTP {response.status_code} served a file")

    def conclude(self, report, tried, controls):
        """Adds the line of this route to the table (with the ``controls`` probes) and asserts
        that no probe found a leak."""
        held = report("restricted data", tried, self.count + controls, f"{len(self.leaks)} leaks", not self.leaks)
        assert held, "\n".join(self.leaks[:10])


def markers_of(restricted):
    return tuple(restricted["datasets"]) + tuple(name for _, name in restricted["files"])


#: The public granule with a local file, its dataset and file: the probes of a
#: route, run on it, must find it (the check of the checks).
PUBLIC = ("mms1-fgm-brst", "mms1_fgm_brst_l2_sample.cdf")


def control(url, sent="", **params):
    """Asserts that a probe of ``url`` (a route run on the public granule) finds
    the public granule; returns the number of probes (1)."""
    probes = Probes(PUBLIC)
    with requests.Session() as session:
        probes.check(session.get(traffic.loopback(url), params=params, timeout=60), sent)
    assert probes.leaks, "the probes do not find the public granule: they would not find a leak"
    return probes.count


def tap_rows(session, server, query):
    """Returns the response of a synchronous ADQL query as CSV."""
    return session.post(traffic.loopback(server + "/tap/sync"), timeout=60,
                        data={"REQUEST": "doQuery", "LANG": "ADQL", "QUERY": query, "RESPONSEFORMAT": "csv",
                              "MAXREC": "100000"})


@pytest.mark.integration
def test_tap_on_every_table_of_the_database(server, settings, restricted, report):
    tables = [f"{s}.{t}" for s, t in database_rows(settings,
              "SELECT table_schema, table_name FROM information_schema.tables"
              " WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2")]
    assert "amdadb.epn_core_restricted" in tables and "dc.products" in tables
    probes = Probes(markers_of(restricted))
    with requests.Session() as session:
        for table in tables:
            for query in (f"SELECT * FROM {table}",
                          f'SELECT * FROM "{table.split(".")[0]}"."{table.split(".")[1]}"',
                          f"SELECT TOP 5 * FROM {table} AS t WHERE 1 = 1"):
                probes.check(tap_rows(session, server, query), query)
        for table in ("amdadb.epn_core", "illu67p.epn_core", "transplanet.epn_core"):
            query = (f"SELECT * FROM {table} WHERE granule_gid LIKE '%pas-momgr%'"
                     " OR file_name LIKE 'solo%' OR granule_uid LIKE '%momgr%'")
            answer = tap_rows(session, server, query)
            probes.check(answer, query)
            if answer.status_code != 200 or answer.text.count("\n") > 1:
                probes.leaks.append(f"{query}: HTTP {answer.status_code}, {answer.text[:200]!r}")
    controls = control(server + "/tap/sync", REQUEST="doQuery", LANG="ADQL", RESPONSEFORMAT="csv",
                       QUERY="SELECT * FROM amdadb.epn_core")
    probes.conclude(report, f"TAP, {len(tables)} tables of the database", controls)


@pytest.mark.integration
def test_datalink_for_restricted_granules_and_guessed_paths(server, settings, restricted, report):
    probes = Probes(markers_of(restricted))
    did = "ivo://{}/~?amdadb/".format(settings["CDPP_AUTHORITY"])
    ids = [did + uid for uid in restricted["granules"]]
    for dataset, name in restricted["files"]:
        for guess in (f"../data/cdf/{dataset}/{name}", f"data/cdf/{dataset}/{name}", name,
                      f"{dataset}/{name}", f"amdadb/data/cdf/{dataset}/{name}",
                      f"/var/gavo/inputs/amdadb/data/cdf/{dataset}/{name}", f"{dataset}_{name[:-4]}"):
            ids.append(did + guess)
        ids.append(f"ivo://{settings['CDPP_AUTHORITY']}/~?amdadb/data/cdf/{dataset}/{name}")
    dlmeta, dlget = server + "/amdadb/q/dl/dlmeta", server + "/amdadb/q/dl/dlget"
    with requests.Session() as session:
        for pid in ids:
            sent = pid
            answer = session.get(dlmeta, params={"ID": pid}, timeout=60)
            probes.check(answer, sent)
            if "<TD>http" in answer.text:
                probes.leaks.append(f"dlmeta {pid}: a link to something: {answer.text[-600:]!r}")
            for params in ({"FORMAT": "CDF_ISTP"}, {"FORMAT": "VOTable"}, {"FORMAT": "ASCII"},
                           {"FORMAT": "image/png"}, {"FORMAT": "ASCII", "TIME": "58954 58955"},
                           {"FORMAT": "VOTable", "START": "2020-04-15T00:00:00Z", "STOP": "2020-04-16T00:00:00Z"}):
                answer = session.get(dlget, params={"ID": pid, **params}, timeout=60)
                probes.check(answer, sent)
                if answer.status_code < 400:
                    probes.leaks.append(f"dlget {pid} {params}: HTTP {answer.status_code}")
    controls = control(dlget, did + traffic.GRANULE, ID=did + traffic.GRANULE, FORMAT="CDF_ISTP")
    probes.conclude(report, f"DataLink #this/#proc/#preview, {len(ids)} ids (granules, guessed paths)", controls)


@pytest.mark.integration
def test_product_and_static_urls(server, restricted, report):
    probes = Probes(markers_of(restricted))
    urls = []
    for dataset, name in restricted["files"]:
        path = f"amdadb/data/cdf/{dataset}/{name}"
        quoted = urllib.parse.quote(path, safe="")
        for url in (f"/getproduct/{path}", f"/getproduct/{quoted}", f"/getproduct/{path}?preview=True",
                    f"/getproduct?key={quoted}", f"/getproduct/amdadb/data/cdf/mms1-fgm-brst/../{dataset}/{name}",
                    f"/getproduct/amdadb/data/cdf/{dataset}/", f"/getproduct/amdadb/data/cdf/{dataset}",
                    f"/getproduct/amdadb/data/cdf/%2e%2e/cdf/{dataset}/{name}",
                    f"/static/{path}", f"/static/../inputs/{path}", f"/amdadb/q/static/{path}",
                    f"/amdadb/q/static/data/cdf/{dataset}/{name}", f"/inputs/{path}", f"/{path}",
                    f"/amdadb/q/q/form?granule_gid={dataset}", f"/amdadb/q/q/form/qp/granule_gid/{dataset}",
                    f"/amdadb/q/q/qp/granule_gid/{dataset}"):
            urls.append(url)
    with requests.Session() as session:
        for url in urls:
            answer = session.get(traffic.loopback(server + url), timeout=60)
            probes.check(answer, url)
            if answer.status_code < 400 and "form" not in url:
                probes.leaks.append(f"{url}: HTTP {answer.status_code}")
    controls = control(f"{server}/getproduct/amdadb/data/cdf/{PUBLIC[0]}/{PUBLIC[1]}")
    probes.conclude(report, f"getproduct, static and form URLs of {len(restricted['files'])} restricted"
                    " file(s)", controls)


@pytest.mark.integration
def test_registry_examples_and_hapi(server, restricted, report):
    probes = Probes(markers_of(restricted))
    urls = [("/oai.xml", {"verb": "ListRecords", "metadataPrefix": "ivo_vor"}),
            ("/oai.xml", {"verb": "ListRecords", "metadataPrefix": "oai_dc"}),
            ("/oai.xml", {"verb": "ListIdentifiers", "metadataPrefix": "ivo_vor"}),
            ("/oai.xml", {"verb": "ListSets"}),
            ("/tap/examples", {}), ("/tap/tables", {}), ("/amdadb/q/info", {}), ("/amdadb/q/dl/info", {}),
            ("/__system__/dc_tables/list/form", {}), ("/hapi/catalog", {})]
    for dataset in restricted["datasets"]:
        urls += [("/oai.xml", {"verb": "GetRecord", "metadataPrefix": "ivo_vor",
                               "identifier": f"ivo://cdpp.irap/amdadb/{dataset}"}),
                 ("/hapi/info", {"id": dataset}), ("/hapi/info", {"dataset": dataset}),
                 ("/hapi/data", {"id": dataset, "time.min": "2020-04-15T00:00:00Z",
                                 "time.max": "2020-04-16T00:00:00Z"}),
                 ("/hapi/data", {"dataset": dataset, "start": "2020-04-15T00:00:00Z",
                                 "stop": "2020-04-16T00:00:00Z", "format": "binary"})]
    hapi_answers = []
    with requests.Session() as session:
        for path, params in urls:
            answer = session.get(traffic.loopback(server + path), params=params, timeout=60)
            probes.check(answer, " ".join(params.values()))
            if path.startswith("/hapi/"):
                hapi_answers.append(answer.status_code)
                if path != "/hapi/catalog" and answer.status_code < 400:
                    probes.leaks.append(f"{path} {params}: HTTP {answer.status_code}")
    held = report("restricted data", "OAI-PMH records, TAP examples and tables, service pages, HAPI",
                  probes.count, f"{len(probes.leaks)} leaks; HAPI catalog HTTP {hapi_answers[0]}",
                  not probes.leaks and hapi_answers[0] == 200)
    assert not probes.leaks, "\n".join(probes.leaks[:10])
    assert hapi_answers[0] == 200, "no HAPI catalog at /hapi/catalog: the HAPI probes mean nothing yet"
