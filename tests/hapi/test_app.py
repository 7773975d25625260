"""The HAPI application on an archive of the shared CDF files (in this process, no server)."""

import numpy as np
import orjson
import pytest

from hapi_archive import BROKEN, HALF_BROKEN, RESTRICTED, SHARED, TWO_DAYS, add_file, add_record, json_of
from datalink import cdfread
from datalink.formats import slice_stream

SERVED = sorted([*SHARED, TWO_DAYS])


def info(get, dataset, **query):
    response = get("/hapi/info", dataset=dataset, **query)
    assert response.status.startswith("200"), response.body
    return json_of(response)


def sample(document):
    return document["sampleStartDate"], document["sampleStopDate"]


def test_every_answer_allows_any_origin(get):
    for path, query in [("/hapi", {}), ("/hapi/about", {}), ("/hapi/capabilities", {}), ("/hapi/catalog", {}),
                        ("/hapi/info", {"dataset": "ac-k2-mfi"}), ("/hapi/info", {"dataset": "nothing"}),
                        ("/hapi/data", {"dataset": "ac-k2-mfi", "start": "2022-01-01", "stop": "2022-01-02"}),
                        ("/hapi/nothing", {})]:
        assert get(path, **query).headers["Access-Control-Allow-Origin"] == "*", path


def test_catalog_lists_the_public_datasets_with_files(get):
    catalog = json_of(get("/hapi/catalog"))
    assert catalog["HAPI"] == "3.3" and catalog["status"]["code"] == 1200
    assert [entry["id"] for entry in catalog["catalog"]] == sorted([*SERVED, BROKEN, HALF_BROKEN])
    assert RESTRICTED not in {entry["id"] for entry in catalog["catalog"]}
    assert all(entry["title"] == "MMS1 - FGM - burst" for entry in catalog["catalog"])


def test_catalog_with_depth_all_holds_each_info(get):
    catalog = json_of(get("/hapi/catalog", depth="all"))
    entries = {entry["id"]: entry for entry in catalog["catalog"]}
    for dataset in SERVED:
        alone = info(get, dataset)
        del alone["HAPI"], alone["status"]
        assert entries[dataset]["info"] == alone


def test_capabilities_and_about(get):
    capabilities = json_of(get("/hapi/capabilities"))
    assert capabilities["outputFormats"] == ["csv", "binary", "json"]
    assert capabilities["catalogDepthOptions"] == ["dataset", "all"]
    about = json_of(get("/hapi/about"))
    assert about["status"]["code"] == 1200 and about["contact"] == "amda@irap.omp.eu" and about["id"]
    landing = get("/hapi")
    assert landing.headers["Content-Type"].startswith("text/html")
    assert all(f"/hapi/info?dataset={dataset}" in landing.body.decode() for dataset in SERVED)


@pytest.mark.parametrize("dataset", sorted(SHARED))
def test_info_describes_what_datalink_slices(get, archive, dataset):
    """The parameters are the CDF variables DataLink slices by default, with their units, fill and size."""
    document = info(get, dataset)
    _, data_dir = archive
    file = cdfread.CdfFile(data_dir / dataset / SHARED[dataset])
    default = cdfread.open_slice(file.path)
    time = document["parameters"][0]
    assert (time["name"], time["type"], time["units"], time["fill"]) == ("Time", "isotime", "UTC", None)
    assert default.time_variable in time["description"]
    digits = {"CDF_EPOCH": 3, "CDF_TIME_TT2000": 9}[default.epoch_type]
    assert time["length"] == 21 + digits
    assert [p["name"] for p in document["parameters"][1:]] == [p.name for p in default.parameters]
    for described, parameter in zip(document["parameters"][1:], default.parameters):
        assert described["units"] == parameter.units
        assert described.get("size") == (list(parameter.shape) if parameter.shape else None)
        assert described["type"] == ("integer" if np.can_cast(parameter.dtype, np.int32) else "double")
        if parameter.fill is not None:
            assert float(described["fill"]) == pytest.approx(float(parameter.fill), rel=1e-7, nan_ok=True)
    assert document["startDate"] < document["sampleStartDate"] or \
        document["startDate"][:19] == document["sampleStartDate"][:19]
    assert document["sampleStartDate"] < document["sampleStopDate"]
    assert document["resourceID"] == f"spase://CNES/NumericalData/CDPP-AMDA/MMS/MMS1/FGM/{dataset}"
    assert document["resourceURL"] == f"https://hpde.io/CNES/NumericalData/CDPP-AMDA/MMS/MMS1/FGM/{dataset}.html"
    assert document["cadence"] == "PT0.01S"
    assert document["x_epntap"]["granule_gid"] == dataset


def test_bins_come_from_the_depend_axes(get):
    parameters = {p["name"]: p for p in info(get, "rbspa-hope-pa")["parameters"]}
    pitch, energy = parameters["FPDU"]["bins"]
    assert pitch["name"] == "PITCH_ANGLE" and pitch["centers"][0] == 4.5 and len(pitch["centers"]) == 11
    # The energies vary with time: the bins name the parameter that holds them.
    assert energy["centers"] == "HOPE_ENERGY_Ion" and "HOPE_ENERGY_Ion" in parameters
    labelled = {p["name"]: p for p in info(get, "mms1-fgm-brst")["parameters"]}["mms1_fgm_b_gse_brst_l2"]
    assert labelled["label"] == ["Bx GSE", "By GSE", "Bz GSE", "Bt"] and labelled["size"] == [4]


def _csv_rows(body):
    return [line.split(",") for line in body.decode().splitlines()]


def _datalink_rows(path, start, stop, parameters):
    """The ASCII slice of DataLink between two times (closed), as lists of texts, times without their Z."""
    _, _, blocks = slice_stream(path, start.rstrip("Z"), stop.rstrip("Z"), "ASCII", parameters)
    return [line.split() for line in b"".join(blocks).decode().splitlines() if not line.startswith("#")]


@pytest.mark.parametrize("dataset", sorted(SHARED))
def test_csv_values_are_the_datalink_slice(get, archive, dataset):
    document = info(get, dataset)
    start, stop = sample(document)
    response = get("/hapi/data", dataset=dataset, start=start, stop=stop)
    assert response.status.startswith("200 OK; HAPI 1200")
    assert response.headers["Content-Type"] == "text/csv"
    rows = _csv_rows(response.body)
    # DataLink's default: the same parameters (test_info_describes_what_datalink_slices).
    expected = _datalink_rows(archive[1] / dataset / SHARED[dataset], start, stop, None)
    expected = [row for row in expected if row[0] + "Z" < stop]
    assert rows and len(rows) == len(expected)
    assert [[row[0] + "Z"] + row[1:] for row in expected] == rows


def _binary_records(document, body):
    layout = [("Time", f"S{document['parameters'][0]['length']}")]
    for p in document["parameters"][1:]:
        layout.append((p["name"], "<i4" if p["type"] == "integer" else "<f8", tuple(p.get("size", ()))))
    return np.frombuffer(body, dtype=layout)


@pytest.mark.parametrize("dataset", sorted(SERVED))
def test_csv_binary_and_json_hold_the_same_records(get, dataset):
    document = info(get, dataset)
    start, stop = sample(document)
    texts = _csv_rows(get("/hapi/data", dataset=dataset, start=start, stop=stop).body)
    binary = _binary_records(document, get("/hapi/data", dataset=dataset, start=start, stop=stop,
                                           format="binary").body)
    answer = get("/hapi/data", dataset=dataset, start=start, stop=stop, format="json")
    assert answer.headers["Content-Type"] == "application/json"
    records = json_of(answer)
    assert records["format"] == "json" and records["status"]["code"] == 1200
    assert records["parameters"] == document["parameters"]
    assert len(texts) == len(binary) == len(records["data"]) > 0
    assert [row[0] for row in texts] == [t.decode() for t in binary["Time"]] == [r[0] for r in records["data"]]
    csv_values = np.array([[float(v) for v in row[1:]] for row in texts])
    binary_values = np.hstack([binary[p["name"]].reshape(len(binary), -1).astype(np.float64)
                               for p in document["parameters"][1:]])
    json_values = np.array([np.hstack([np.ravel(np.array(v, dtype=np.float64)) for v in r[1:]])
                            for r in records["data"]])
    fills = np.hstack([[float(p["fill"]) if p["fill"] is not None else np.nan] * int(np.prod(p.get("size", [1])))
                       for p in document["parameters"][1:]])
    for values in (binary_values, json_values):
        # binary writes each value exactly, csv and json its shortest text: a float32's digits
        np.testing.assert_allclose(values, csv_values, rtol=1e-6, equal_nan=True)
    is_fill = csv_values == fills
    assert np.array_equal(binary_values[is_fill], csv_values[is_fill]), "binary fill values differ from info's"


def test_stop_is_excluded_and_start_included(get):
    whole = _csv_rows(get("/hapi/data", dataset="ac-k2-mfi", start="2022-01-01", stop="2022-01-02").body)
    assert len(whole) == 24 and whole[0][0] == "2022-01-01T00:00:00.000Z"
    cut = _csv_rows(get("/hapi/data", dataset="ac-k2-mfi", start=whole[3][0], stop=whole[6][0]).body)
    assert [row[0] for row in cut] == [row[0] for row in whole[3:6]]


def test_data_across_files_in_order_once(get):
    rows = _csv_rows(get("/hapi/data", dataset=TWO_DAYS, start="2020-01-01T23:00Z", stop="2020-01-02T01:00Z").body)
    times = [row[0] for row in rows]
    assert len(times) == 120 and times == sorted(set(times))
    assert times[0] == "2020-01-01T23:00:00.000000000Z" and times[-1] == "2020-01-02T00:59:00.000000000Z"


def test_parameter_subsets(get):
    everything = info(get, "de2-ion2s-rpa")["parameters"]
    names = [p["name"] for p in everything]
    chosen = info(get, "de2-ion2s-rpa", parameters=f"{names[2]},{names[5]}")["parameters"]
    assert [p["name"] for p in chosen] == ["Time", names[2], names[5]]
    with_time = info(get, "de2-ion2s-rpa", parameters=f"Time,{names[2]},{names[5]}")["parameters"]
    assert with_time == chosen
    assert info(get, "de2-ion2s-rpa", parameters="")["parameters"] == everything
    rows = _csv_rows(get("/hapi/data", dataset="de2-ion2s-rpa", start="1983-02-13T02Z", stop="1983-02-13T03Z",
                         parameters=f"{names[2]},{names[5]}").body)
    full = _csv_rows(get("/hapi/data", dataset="de2-ion2s-rpa", start="1983-02-13T02Z", stop="1983-02-13T03Z").body)
    assert rows == [[row[0], row[2], row[5]] for row in full]
    only_time = _csv_rows(get("/hapi/data", dataset="de2-ion2s-rpa", start="1983-02-13T02Z",
                              stop="1983-02-13T03Z", parameters="Time").body)
    assert only_time == [[row[0]] for row in full]


def test_hapi_2_names_give_the_same_answers(get):
    new = get("/hapi/data", dataset="ac-k2-mfi", start="2022-01-01T02Z", stop="2022-01-01T05Z").body
    old = get("/hapi/data", id="ac-k2-mfi", **{"time.min": "2022-01-01T02Z", "time.max": "2022-01-01T05Z"}).body
    doy = get("/hapi/data", id="ac-k2-mfi", **{"time.min": "2022-001T02Z", "time.max": "2022-001T05Z"}).body
    assert new == old == doy and new.count(b"\n") == 3
    assert get("/hapi/info", id="ac-k2-mfi").body == get("/hapi/info", dataset="ac-k2-mfi").body


def test_header_and_no_data(get):
    document = info(get, "ac-k2-mfi")
    with_header = get("/hapi/data", dataset="ac-k2-mfi", start="2022-01-01", stop="2022-01-02", include="header")
    lines = with_header.body.decode().splitlines()
    header = orjson.loads("\n".join(line[1:] for line in lines if line.startswith("#")))
    assert header["format"] == "csv" and header["parameters"] == document["parameters"]
    assert len([line for line in lines if not line.startswith("#")]) == 24
    empty = get("/hapi/data", dataset="ac-k2-mfi", start="2023-01-01", stop="2023-01-02")
    assert empty.status.startswith("200 OK; HAPI 1201") and empty.body == b""
    empty_json = json_of(get("/hapi/data", dataset="ac-k2-mfi", start="2023-01-01", stop="2023-01-02",
                             format="json"))
    assert empty_json["status"]["code"] == 1201 and empty_json["data"] == []
    empty_header = get("/hapi/data", dataset="ac-k2-mfi", start="2023-01-01", stop="2023-01-02", include="header")
    assert orjson.loads("".join(line[1:] for line in empty_header.body.decode().splitlines()))["status"]["code"] == 1201


def test_head_and_options(get):
    head = get("/hapi/data", method="HEAD", dataset="ac-k2-mfi", start="2022-01-01", stop="2022-01-02")
    assert head.status.startswith("200") and head.body == b"" and head.headers["Content-Type"] == "text/csv"
    options = get("/hapi/data", method="OPTIONS")
    assert options.status.startswith("204") and "GET" in options.headers["Access-Control-Allow-Methods"]
    assert get("/hapi/data", method="POST").status.startswith("405")


SECRET = "leak-me-not"


@pytest.mark.parametrize("path, query, http, code", [
    ("/hapi/nothing", {}, 404, 1400),
    ("/hapi/catalog", {"x": SECRET}, 400, 1401),
    ("/hapi/about", {"dataset": "ac-k2-mfi"}, 400, 1401),
    ("/hapi/info", {}, 400, 1400),
    ("/hapi/info", {"dataset": SECRET}, 404, 1406),
    ("/hapi/info", {"dataset": RESTRICTED}, 404, 1406),
    ("/hapi/info", {"dataset": "ac-k2-mfi", "id": "ac-k2-mfi"}, 400, 1400),
    ("/hapi/info", {"dataset": "ac-k2-mfi", "parameters": SECRET}, 404, 1407),
    ("/hapi/info", {"dataset": "ac-k2-mfi", "parameters": "BGSEc,Magnitude"}, 400, 1411),
    ("/hapi/info", {"dataset": "ac-k2-mfi", "parameters": "Magnitude,Magnitude"}, 400, 1411),
    ("/hapi/info", {"dataset": "ac-k2-mfi", "resolve_references": SECRET}, 400, 1412),
    ("/hapi/catalog", {"depth": SECRET}, 400, 1413),
    ("/hapi/data", {"dataset": RESTRICTED, "start": "2022-01-01", "stop": "2022-01-02"}, 404, 1406),
    ("/hapi/data", {"dataset": "ac-k2-mfi", "stop": "2022-01-02"}, 400, 1402),
    ("/hapi/data", {"dataset": "ac-k2-mfi", "start": SECRET, "stop": "2022-01-02"}, 400, 1402),
    ("/hapi/data", {"dataset": "ac-k2-mfi", "start": "2022-01-01", "stop": "2022-13-02"}, 400, 1403),
    ("/hapi/data", {"dataset": "ac-k2-mfi", "start": "2022-01-02", "stop": "2022-01-02"}, 400, 1404),
    ("/hapi/data", {"dataset": "ac-k2-mfi", "start": "2022-01-03", "stop": "2022-01-02"}, 400, 1404),
    ("/hapi/data", {"dataset": "ac-k2-mfi", "start": "2022-01-01", "stop": "2022-01-02", "format": SECRET},
     400, 1409),
    ("/hapi/data", {"dataset": "ac-k2-mfi", "start": "2022-01-01", "stop": "2022-01-02", "include": SECRET},
     400, 1410),
    ("/hapi/data", {"dataset": "ac-k2-mfi", "start": "2022-01-01", "stop": "2022-01-02", "parameters": SECRET},
     404, 1407),
    ("/hapi/data", {"dataset": BROKEN, "start": "2015-10-16", "stop": "2015-10-17"}, 500, 1500),
])
def test_errors_carry_their_hapi_code(get, path, query, http, code):
    response = get(path, **query)
    assert response.status.startswith(f"{http} ") and f"HAPI {code}" in response.status
    document = json_of(response)
    assert document["HAPI"] == "3.3" and document["status"]["code"] == code
    assert document["status"]["message"].startswith(f"HAPI error {code}: ")
    assert SECRET not in document["status"]["message"]


def test_repeated_and_undecodable_query_fields(get):
    repeated = get("/hapi/info", query_string="dataset=ac-k2-mfi&dataset=de2-ion2s-rpa")
    assert json_of(repeated)["status"]["code"] == 1400 and repeated.status.startswith("400")
    undecodable = get("/hapi/info", query_string="dataset=%ff%fe")
    assert json_of(undecodable)["status"]["code"] == 1400
    many = get("/hapi/catalog", query_string="&".join(f"depth{i}=1" for i in range(60)))
    assert json_of(many)["status"]["code"] == 1400


def test_archive_changes_are_seen(archive, app, get, monkeypatch):
    """A dataset directory added to the archive is served once the archive is looked at again."""
    from hapi_archive import add_file, add_record
    from hapi import catalog

    spase_dir, data_dir = archive
    add_record(spase_dir, "late-set")
    add_file(data_dir, "late-set", data_dir / "ac-k2-mfi" / SHARED["ac-k2-mfi"])
    try:
        monkeypatch.setattr(catalog, "REFRESH_SECONDS", 0.0)
        assert "late-set" in {entry["id"] for entry in json_of(get("/hapi/catalog"))["catalog"]}
        assert info(get, "late-set")["startDate"] == "2022-01-01T00:00:00.000Z"
    finally:
        (spase_dir / "NumericalData" / "late-set.xml").unlink()
        for path in (data_dir / "late-set").iterdir():
            path.unlink()
        (data_dir / "late-set").rmdir()
    assert "late-set" not in {entry["id"] for entry in json_of(get("/hapi/catalog"))["catalog"]}


def test_a_broken_newest_file_leaves_the_others_served(get):
    """The info comes from the newest file that can be read; a range over the broken one is a 1500 error."""
    document = info(get, HALF_BROKEN)
    assert document["parameters"] == info(get, "ac-k2-mfi")["parameters"]
    assert document["sampleStartDate"] == "2022-01-01T00:00:00Z"
    good = get("/hapi/data", dataset=HALF_BROKEN, start="2022-01-01", stop="2022-01-02")
    assert good.body.count(b"\n") == 24
    bad = get("/hapi/data", dataset=HALF_BROKEN, start="2022-01-02", stop="2022-01-03")
    assert bad.status.startswith("500") and json_of(bad)["status"]["code"] == 1500
    # depth=all leaves out the dataset whose every file is broken, and only it
    entries = {entry["id"] for entry in json_of(get("/hapi/catalog", depth="all"))["catalog"]}
    assert HALF_BROKEN in entries and BROKEN not in entries


@pytest.mark.parametrize("start, stop, rows", [
    ("0001-01-01Z", "9999-12-31T23:59:59.999999999Z", 24),
    ("2016-12-31T23:59:60Z", "2017-01-01Z", 0),
    ("2016-12-31T23:59:60Z", "2022-01-01T00:00:00.001Z", 1),
    ("2022-001T23:00Z", "2022-002T00:00Z", 1),
])
def test_ranges_at_the_edges_of_time(get, start, stop, rows):
    response = get("/hapi/data", dataset="ac-k2-mfi", start=start, stop=stop)
    assert response.status.startswith("200 OK; HAPI " + ("1200" if rows else "1201"))
    assert response.body.count(b"\n") == rows
