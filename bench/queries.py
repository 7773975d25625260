"""The ADQL queries of the benchmarks: the server's floor, the selective queries
that find granules, and the discovery queries that count and list values."""

#: The cheapest TAP query: what every request costs besides its own work.
FLOOR = "SELECT TOP 1 * FROM tap_schema.tables"
#: Queries that pick a few granules: what VESPA and TOPCAT users send to find data.
SELECTIVE = {
    "target and time (VESPA)":
        "SELECT TOP 200 * FROM amdadb.epn_core WHERE target_name = 'Jupiter'"
        " AND time_min <= 2457700.5 AND time_max >= 2457600.5",
    "one day, time series (VESPA)":
        "SELECT TOP 200 * FROM amdadb.epn_core WHERE dataproduct_type = 'ts'"
        " AND time_min <= 2459000.5 AND time_max >= 2458999.5",
    "granule by uid (TOPCAT, DataLink)":
        "SELECT * FROM amdadb.epn_core WHERE granule_uid = 'mms1-fgm-brst_20151016'",
    "dataset by gid (TOPCAT)":
        "SELECT TOP 100 granule_uid, time_min, time_max, access_url FROM amdadb.epn_core"
        " WHERE granule_gid = 'juno-fgm-orb1' ORDER BY time_min",
    "host and product type (VESPA)":
        "SELECT TOP 200 granule_uid, target_name, time_min, time_max FROM amdadb.epn_core"
        " WHERE instrument_host_name = 'Rosetta' AND dataproduct_type = 'ds'",
    "comet over a month (VESPA)":
        "SELECT TOP 200 * FROM amdadb.epn_core WHERE target_class = 'comet'"
        " AND time_min <= 2457280.5 AND time_max >= 2457250.5",
    "ten days, any dataset (VESPA)":
        "SELECT TOP 200 * FROM amdadb.epn_core"
        " WHERE time_min <= 2451000.5 AND time_max >= 2450990.5",
}


#: Queries that survey the whole table: VESPA counts the matches of every
#: service, TOPCAT users list the values of a column before they filter on it.
DISCOVERY = {
    "count all (VESPA)": "SELECT COUNT(*) FROM amdadb.epn_core",
    "count by type and class (VESPA)":
        "SELECT COUNT(*) FROM amdadb.epn_core"
        " WHERE dataproduct_type = 'ts' AND target_class = 'planet'",
    "distinct product types (TOPCAT)": "SELECT DISTINCT dataproduct_type FROM amdadb.epn_core",
    "distinct targets (TOPCAT)":
        "SELECT DISTINCT target_name, target_class FROM amdadb.epn_core",
    "distinct hosts (TOPCAT)": "SELECT DISTINCT instrument_host_name FROM amdadb.epn_core",
    "per dataset (TOPCAT)":
        "SELECT granule_gid, COUNT(*) AS n, MIN(time_min) AS start, MAX(time_max) AS stop"
        " FROM amdadb.epn_core GROUP BY granule_gid",
}
