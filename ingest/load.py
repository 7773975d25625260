"""Bulk loading of mapped granules into PostgreSQL, never serving half a table.

A full load builds a new table beside the published one (COPY by parallel
workers, indexes, ANALYZE) and swaps it in within one transaction: queries
running meanwhile see the old table, later ones the new one, and a failed or
interrupted load leaves the published table as it was (a half-filled new
table is dropped then, or at the next load).  An incremental load
rewrites, in one transaction, only the granules of the datasets whose mapped
content changed, known from a fingerprint kept per dataset in a state table.

Datasets that are not public go to ``<table>_restricted`` beside it, a table
DaCHS does not publish.  Granules with a local file get a row in DaCHS's
``dc.products`` (accref = the file's path below the inputs directory), which
is what DaCHS's getproduct serves.
"""
from __future__ import annotations

import concurrent.futures
import datetime as dt
import hashlib
import io
import json
import multiprocessing
import os
import queue
import time

from ingest.amdadb import CDF_MIME, COLUMNS, VARIABLE_COLUMNS

#: Indexes for the queries VESPA and TOPCAT send: (name suffix, columns, unique).
INDEXES = (
    ("granule_uid", ("granule_uid",), True),
    ("granule_gid", ("granule_gid",), False),
    ("target_name", ("target_name",), False),
    ("target_class", ("target_class",), False),
    ("time_min", ("time_min",), False),
    ("time_max", ("time_max",), False),
    ("dataproduct_type", ("dataproduct_type",), False),
    ("instrument_host_name", ("instrument_host_name",), False),
)

#: Table holding one row per loaded dataset: what its rows were built from.
STATE_TABLE = "ingest_state"


class LoadError(Exception):
    """The database refused the load; nothing was changed."""


# --- COPY text ---------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_value(value):
    """Return ``value`` written as a PostgreSQL COPY text field."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


class _LineStream(io.RawIOBase):
    """A file-like object reading the UTF-8 of an iterator over text lines."""

    def __init__(self, lines):
        self._lines = lines
        self._buffer = b""

    def readable(self):
        return True

    def read(self, size=-1):
        chunks, have = [self._buffer], len(self._buffer)
        limit = 1 << 20 if size is None or size < 0 else size
        for line in self._lines:
            data = line.encode("utf-8")
            chunks.append(data)
            have += len(data)
            if have >= limit:
                break
        data = b"".join(chunks)
        self._buffer = data[limit:]
        return data[:limit]


_SPECIAL = ("\\", "\t", "\n", "\r")
NULL = "\\N"


def _plain(text):
    return not any(ch in text for ch in _SPECIAL)


def copy_lines(datasets, columns, counter=None):
    """Return an iterator over the COPY text lines of all granules of ``datasets``.

    ``columns`` is the COPY column order: VARIABLE_COLUMNS first (all of
    them, or those the table has), then constant ones.  ``counter(n)`` is
    called after each dataset with its granule count.
    """
    variable = [c for c in VARIABLE_COLUMNS if c in columns]
    positions = [VARIABLE_COLUMNS.index(c) for c in variable]
    constant = [c for c in columns if c not in VARIABLE_COLUMNS]
    complete = positions == list(range(len(VARIABLE_COLUMNS)))
    for ds in datasets:
        tail = "\t".join(copy_value(ds.constants.get(c)) for c in constant)
        tail = "\t" + tail + "\n" if constant else "\n"
        # The URLs and ids of a granule are built from these pieces only, so
        # when none needs escaping, the values go in as they are.
        fast = complete and all(_plain(x) for x in (
            ds.dataset_id, ds.obs_prefix, ds._hapi, *ds._datalink, *ds._thumbnail,
            *(str(p) for p in ds.files.values())))
        if fast:
            for (uid, obs, tmin, tmax, url, fmt, est, name, dl, thumb) in ds.variables():
                yield (f"{uid}\t{obs}\t{tmin!r}\t{tmax!r}\t{url}\t{fmt}\t"
                       f"{NULL if est is None else est}\t{NULL if name is None else name}\t"
                       f"{dl}\t{NULL if thumb is None else thumb}{tail}")
        else:
            for values in ds.variables():
                yield "\t".join([copy_value(values[p]) for p in positions]) + tail
        if counter:
            counter(len(ds))


def copy_columns(table_columns, datasets=None):
    """Return the mapped columns a table has, in COPY order (variable ones first).

    With ``datasets``, constant columns that are NULL in all of them are
    left out (the table fills them with NULL).
    """
    have = set(table_columns)
    constant = [c for c in COLUMNS if c in have and c not in VARIABLE_COLUMNS]
    if datasets is not None:
        constant = [c for c in constant
                    if any(d.constants.get(c) is not None for d in datasets)]
    return [c for c in VARIABLE_COLUMNS if c in have] + constant


# --- database helpers ----------------------------------------------------------


def connect(dsn=None):
    """Return a connection: to ``dsn`` (a libpq string) if given, else DaCHS's admin profile."""
    if dsn:
        import psycopg2
        return psycopg2.connect(dsn)
    from gavo import base
    return base.getDBConnection("admin")


def _ident(name):
    return '"' + name.replace('"', '""') + '"'


def _qualified(schema, table):
    return f"{_ident(schema)}.{_ident(table)}"


def table_columns(cur, schema, table):
    """Return the column names of schema.table in order ([] if there is no such table)."""
    cur.execute("SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s)"
                " AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                (_qualified(schema, table),))
    return [r[0] for r in cur.fetchall()]


def _exists(cur, schema, table):
    cur.execute("SELECT to_regclass(%s) IS NOT NULL", (_qualified(schema, table),))
    return cur.fetchone()[0]


def _copy(cur, schema, table, columns, datasets, counter):
    columns = copy_columns(columns, datasets)
    sql = (f"COPY {_qualified(schema, table)} ({', '.join(map(_ident, columns))})"
           " FROM STDIN WITH (FORMAT text)")
    cur.copy_expert(sql, _LineStream(copy_lines(datasets, columns, counter)), size=1 << 20)


def _index_statements(cur, schema, published, target):
    """Return CREATE INDEX statements for ``target``: those of ``published``, plus INDEXES missing there."""
    statements, covered = [], set()
    cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s"
                " AND tablename = %s", (schema, published))
    for name, definition in cur.fetchall():
        if " ON " not in definition:
            continue
        head, _, rest = definition.partition(" ON ")
        _, _, using = rest.partition(" USING ")
        cols = using[using.find("(") + 1:using.rfind(")")]
        covered.add(tuple(c.strip().strip('"') for c in cols.split(",")))
        unique = "UNIQUE " if head.startswith("CREATE UNIQUE") else ""
        statements.append((name, f"CREATE {unique}INDEX {{name}} ON {_qualified(schema, target)}"
                                 f" USING {using}"))
    for suffix, cols, unique in INDEXES:
        if cols in covered:
            continue
        name = f"{published}_{suffix}_idx"
        kind = "UNIQUE " if unique else ""
        statements.append((name, f"CREATE {kind}INDEX {{name}} ON {_qualified(schema, target)}"
                                 f" ({', '.join(map(_ident, cols))})"))
    return statements


def _grants(cur, schema, table):
    cur.execute("SELECT grantee, privilege_type FROM information_schema.role_table_grants"
                " WHERE table_schema = %s AND table_name = %s", (schema, table))
    return cur.fetchall()


def _owner(cur, schema, table):
    cur.execute("SELECT tableowner FROM pg_tables WHERE schemaname = %s AND tablename = %s",
                (schema, table))
    row = cur.fetchone()
    return row[0] if row else None


def _ensure_state_table(cur, schema):
    cur.execute(f"CREATE TABLE IF NOT EXISTS {_qualified(schema, STATE_TABLE)} ("
                " dataset_id text PRIMARY KEY, fingerprint text NOT NULL,"
                " granules integer NOT NULL, public boolean NOT NULL,"
                " resource_id text, source_path text,"
                " loaded_at timestamptz NOT NULL DEFAULT now())")


def _write_state(cur, schema, datasets):
    rows = [(ds.dataset_id, fingerprint(ds), len(ds), ds.public, ds.resource_id, ds.path)
            for ds in datasets]
    if rows:
        cur.executemany(f"INSERT INTO {_qualified(schema, STATE_TABLE)}"
                        " (dataset_id, fingerprint, granules, public, resource_id, source_path)"
                        " VALUES (%s, %s, %s, %s, %s, %s)", rows)


def _product_rows(datasets, source_table):
    """Return the dc.products rows of the local files of ``datasets`` (one per file)."""
    seen = set()
    for ds in datasets:
        for day, path in sorted(ds.files.items()):
            if 0 <= (day - ds.first).days < len(ds) and path not in seen:
                seen.add(path)
                accref = ds.accref(path)
                yield (accref, None, None, CDF_MIME, accref, source_table, None, None)


def _write_products(cur, datasets, source_table, gids=None):
    """Replace the dc.products rows of ``source_table`` (only those of datasets ``gids`` if given)."""
    if not _exists(cur, "dc", "products"):
        return 0
    if gids is None:
        cur.execute("DELETE FROM dc.products WHERE sourcetable = %s", (source_table,))
    else:
        prefixes = [f"amdadb/data/cdf/{g}/%" for g in gids]
        cur.execute("DELETE FROM dc.products WHERE sourcetable = %s AND accref LIKE ANY(%s)",
                    (source_table, prefixes))
    rows = list(_product_rows(datasets, source_table))
    if rows:
        cur.executemany("INSERT INTO dc.products (accref, owner, embargo, mime, accesspath,"
                        " sourcetable, preview, datalink) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
                        " ON CONFLICT (accref) DO UPDATE SET sourcetable = EXCLUDED.sourcetable,"
                        " accesspath = EXCLUDED.accesspath, mime = EXCLUDED.mime,"
                        " datalink = EXCLUDED.datalink", rows)
    return len(rows)


def fingerprint(ds):
    """Return a digest of everything a dataset's rows are made of (constants, span, files, URLs)."""
    files = []
    for day, path in sorted(ds.files.items()):
        try:
            st = os.stat(path)
            files.append((day.isoformat(), ds.accref(path), st.st_size, int(st.st_mtime)))
        except OSError:
            files.append((day.isoformat(), ds.accref(path), None, None))
    payload = json.dumps({
        "constants": {k: copy_value(v) for k, v in sorted(ds.constants.items())},
        "start": ds.start.isoformat(), "stop": ds.stop.isoformat(),
        "files": files, "urls": [ds.server_url, ds.authority, ds.hapi_url, ds.obs_prefix,
                                 ds.estsize_kb],
    }, sort_keys=True)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


# --- loads -------------------------------------------------------------------


def physical_order(ds):
    """Return the sort key of a dataset in a freshly loaded table: target, start, id."""
    return (ds.constants.get("target_name") or "", ds.start, ds.dataset_id)



def _split(datasets, parts):
    """Return ``datasets`` cut, in order, into ``parts`` runs of about equal granule counts."""
    total = sum(len(d) for d in datasets)
    runs, current, size = [], [], 0
    for ds in datasets:
        current.append(ds)
        size += len(ds)
        if size >= total * (len(runs) + 1) / parts and len(runs) < parts - 1:
            runs.append(current)
            current = []
    runs.append(current)
    return [r for r in runs if r]


def _copy_worker(dsn, schema, table, columns, datasets, messages):
    """COPY ``datasets`` into schema.table on a connection of its own and commit;
    report granule counts, then "done" or the error, on the queue ``messages``."""
    try:
        conn = connect(dsn)
        with conn:
            cur = conn.cursor()
            cur.execute("SET LOCAL synchronous_commit = off")
            _copy(cur, schema, table, columns, datasets, lambda n: messages.put(("count", n)))
        conn.close()
        messages.put(("done", None))
    except Exception as exc:  # reported to the parent, which raises LoadError
        messages.put(("error", getattr(exc, "pgerror", None) or str(exc)))


def _parallel_copy(dsn, schema, table, columns, parts, counter):
    """COPY each run of datasets of ``parts`` in a process of its own; raise LoadError on failure."""
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    workers = [context.Process(target=_copy_worker,
                               args=(dsn, schema, table, columns, part, messages))
               for part in parts]
    for w in workers:
        w.start()
    errors, running = [], len(workers)
    try:
        while running:
            try:
                kind, value = messages.get(timeout=5)
            except queue.Empty:
                if not any(w.is_alive() for w in workers):
                    errors.append("a COPY worker died")
                    break
                continue
            if kind == "count":
                if counter:
                    counter(value)
            else:
                running -= 1
                if kind == "error":
                    errors.append(value)
    finally:
        for w in workers:
            w.join(timeout=60)
            if w.is_alive():
                w.terminate()
    if errors:
        raise LoadError(errors[0].strip())


def _build_indexes(dsn, statements, workers):
    """Run the CREATE INDEX ``statements`` on ``workers`` connections at once."""
    def run(batch):
        conn = connect(dsn)
        try:
            with conn:
                cur = conn.cursor()
                cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
                for statement in batch:
                    cur.execute(statement)
        finally:
            conn.close()

    batches = [statements[i::workers] for i in range(workers)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(run, b) for b in batches if b]:
            future.result()


def _new_table_like(cur, schema, table, names):
    """Check that schema.table exists and (re)create empty tables ``names``
    like it; return the published table's columns."""
    if not _exists(cur, schema, table):
        raise LoadError(f"{schema}.{table} does not exist: create it first "
                        f"(dachs imp of the service's RD)")
    for name in names:
        cur.execute(f"DROP TABLE IF EXISTS {_qualified(schema, name)}")
        cur.execute(f"CREATE TABLE {_qualified(schema, name)} (LIKE {_qualified(schema, table)}"
                    " INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE"
                    " INCLUDING COMMENTS)")
    return table_columns(cur, schema, table)


def _swap(cur, schema, table, new, indexes):
    """Replace schema.table by schema.new in the current transaction: the
    published table is locked until commit, the new one takes its name, its
    indexes' names, owner and grants."""
    owner, grants = _owner(cur, schema, table), _grants(cur, schema, table)
    cur.execute(f"LOCK TABLE {_qualified(schema, table)} IN ACCESS EXCLUSIVE MODE")
    cur.execute(f"DROP TABLE {_qualified(schema, table)}")
    cur.execute(f"ALTER TABLE {_qualified(schema, new)} RENAME TO {_ident(table)}")
    for number, (name, _) in enumerate(indexes):
        cur.execute(f"ALTER INDEX {_qualified(schema, f'{new}_{number}_idx')}"
                    f" RENAME TO {_ident(name)}")
    if owner:
        cur.execute(f"ALTER TABLE {_qualified(schema, table)} OWNER TO {_ident(owner)}")
    for grantee, privilege in grants:
        cur.execute(f"GRANT {privilege} ON {_qualified(schema, table)} TO {_ident(grantee)}")


PRODUCT_COLUMNS = ("accref", "owner", "embargo", "mime", "accesspath", "sourcetable",
                   "preview", "datalink", "preview_mime")


def replace_rows(conn, rows, schema, table="epn_core", counter=None):
    """Replace schema.table by the granule dicts ``rows`` in one transaction,
    and the table's dc.products rows by those of the rows' prodtbl* keys
    (rows without prodtblPath have no local file).  Returns the row count.
    Raises LoadError, leaving the published table as it was, if it does not
    exist or the database refuses the load."""
    import psycopg2

    new = f"{table}__loading"
    source_table = f"{schema}.{table}"
    try:
        with conn:
            cur = conn.cursor()
            columns = _new_table_like(cur, schema, table, [new])
            indexes = _index_statements(cur, schema, table, new)
            products, lines = [], []
            for row in rows:
                lines.append("\t".join(copy_value(row.get(c)) for c in columns) + "\n")
                if row.get("prodtblPath"):
                    products.append((row["prodtblAccref"], None, None, row.get("prodtblMime"),
                                     row["prodtblPath"], source_table, row.get("prodtblPreview"),
                                     None, row.get("prodtblPreviewMime")))
                if counter:
                    counter(1)
            cur.copy_expert(f"COPY {_qualified(schema, new)} ({', '.join(map(_ident, columns))})"
                            " FROM STDIN", io.StringIO("".join(lines)))
            for number, (_, statement) in enumerate(indexes):
                cur.execute(statement.format(name=_ident(f"{new}_{number}_idx")))
            cur.execute(f"ANALYZE {_qualified(schema, new)}")
            _swap(cur, schema, table, new, indexes)
            if _exists(cur, "dc", "products"):
                cur.execute("DELETE FROM dc.products WHERE sourcetable = %s", (source_table,))
                cur.executemany(f"INSERT INTO dc.products ({', '.join(PRODUCT_COLUMNS)})"
                                f" VALUES ({', '.join(['%s'] * len(PRODUCT_COLUMNS))})"
                                " ON CONFLICT (accref) DO UPDATE SET sourcetable ="
                                " EXCLUDED.sourcetable, accesspath = EXCLUDED.accesspath,"
                                " mime = EXCLUDED.mime, preview = EXCLUDED.preview,"
                                " preview_mime = EXCLUDED.preview_mime", products)
    except psycopg2.Error as exc:
        raise LoadError(f"the database refused the load, {source_table} is unchanged: "
                        f"{exc.pgerror or exc}".strip()) from None
    return len(lines)


def full_load(conn, datasets, schema="amdadb", table="epn_core", counter=None, timings=None,
              dsn=None, workers=None):
    """Load all ``datasets`` into a new table and swap it for schema.table.

    The new table is filled beside the published one (COPY by ``workers``
    processes, default one per CPU core, on connections to ``dsn``, default
    DaCHS's admin profile, then indexes and ANALYZE); one transaction then
    replaces the published table by it.  Returns {"public": n, "restricted":
    n, "products": n}; ``timings``, if a dict, receives the seconds of each
    phase.  Raises LoadError, leaving the published table as it was, if
    schema.table does not exist or the database refuses the load.
    """
    import psycopg2

    workers = workers or min(os.cpu_count() or 1, 4)
    restricted_table = f"{table}_restricted"
    new, new_restricted = f"{table}__loading", f"{restricted_table}__loading"
    public = [d for d in datasets if d.public]
    hidden = [d for d in datasets if not d.public]
    timings = {} if timings is None else timings
    clock = [time.perf_counter()]

    def lap(phase):
        now = time.perf_counter()
        timings[phase] = timings.get(phase, 0.0) + now - clock[0]
        clock[0] = now

    def drop_loading_tables():
        with conn:
            cur = conn.cursor()
            for name in (new, new_restricted):
                cur.execute(f"DROP TABLE IF EXISTS {_qualified(schema, name)}")

    try:
        with conn:
            cur = conn.cursor()
            columns = _new_table_like(cur, schema, table, [new, new_restricted])
            indexes = _index_statements(cur, schema, table, new)
        lap("prepare")
        try:
            # Rows of one target lie together (target, then time): queries on a
            # target read a compact part of the table.
            ordered = sorted(public, key=physical_order)
            _parallel_copy(dsn, schema, new, columns, _split(ordered, workers), counter)
            with conn:
                _copy(conn.cursor(), schema, new_restricted, columns, hidden, counter)
            lap("copy")
            _build_indexes(dsn, [statement.format(name=_ident(f"{new}_{number}_idx"))
                                 for number, (_, statement) in enumerate(indexes)]
                           + [f"CREATE UNIQUE INDEX {_ident(new_restricted + '_uid_idx')} ON"
                              f" {_qualified(schema, new_restricted)} (granule_uid)"], workers)
            lap("index")
            with conn:
                cur = conn.cursor()
                cur.execute(f"ANALYZE {_qualified(schema, new)}")
                lap("analyze")
                _swap(cur, schema, table, new, indexes)
                cur.execute(f"DROP TABLE IF EXISTS {_qualified(schema, restricted_table)}")
                cur.execute(f"ALTER TABLE {_qualified(schema, new_restricted)}"
                            f" RENAME TO {_ident(restricted_table)}")
                cur.execute(f"ALTER INDEX {_qualified(schema, new_restricted + '_uid_idx')}"
                            f" RENAME TO {_ident(restricted_table + '_uid_idx')}")
                owner = _owner(cur, schema, table)
                if owner:
                    cur.execute(f"ALTER TABLE {_qualified(schema, restricted_table)}"
                                f" OWNER TO {_ident(owner)}")
                _ensure_state_table(cur, schema)
                cur.execute(f"DELETE FROM {_qualified(schema, STATE_TABLE)}")
                _write_state(cur, schema, datasets)
                products = _write_products(cur, public, f"{schema}.{table}")
            lap("swap")
        except BaseException:
            drop_loading_tables()
            raise
    except psycopg2.Error as exc:
        raise LoadError(f"the database refused the load, {schema}.{table} is unchanged: "
                        f"{exc.pgerror or exc}".strip()) from None
    except LoadError as exc:
        if "does not exist" in str(exc):
            raise
        raise LoadError(f"the database refused the load, {schema}.{table} is unchanged: "
                        f"{exc}") from None
    return {"public": sum(len(d) for d in public),
            "restricted": sum(len(d) for d in hidden), "products": products}


def loaded_state(conn, schema="amdadb"):
    """Return {dataset_id: fingerprint} of the last load (None if there was none)."""
    with conn:
        cur = conn.cursor()
        if not _exists(cur, schema, STATE_TABLE):
            return None
        cur.execute(f"SELECT dataset_id, fingerprint FROM {_qualified(schema, STATE_TABLE)}")
        return dict(cur.fetchall())


def _matches_state(conn, schema, table):
    """Return True if schema.table holds as many rows as the last load's state says."""
    with conn:
        cur = conn.cursor()
        cur.execute(f"SELECT coalesce(sum(granules), 0) FROM {_qualified(schema, STATE_TABLE)}"
                    " WHERE public")
        expected = cur.fetchone()[0]
        cur.execute(f"SELECT count(*) FROM {_qualified(schema, table)}")
        return cur.fetchone()[0] == expected


def incremental_load(conn, datasets, schema="amdadb", table="epn_core", counter=None):
    """Rewrite only the granules of the datasets that changed since the last load.

    Changed or new datasets are deleted and copied again, datasets gone from
    the records are deleted, all in one transaction.  Returns {"changed":
    [ids], "removed": [ids], "public": n granules written, "restricted": n}.
    Falls back to :func:`full_load` (and says so with "full": True) when
    there is no state of a previous load, or the table does not hold what
    that state says (it was filled by other means since).
    """
    import psycopg2

    state = loaded_state(conn, schema)
    restricted_table = f"{table}_restricted"
    if state is not None and not _matches_state(conn, schema, table):
        state = None  # the table was filled by something else (e.g. dachs imp): rebuild it
    if state is None:
        result = full_load(conn, datasets, schema, table, counter)
        return {**result, "full": True, "changed": sorted(d.dataset_id for d in datasets),
                "removed": []}
    current = {d.dataset_id: d for d in datasets}
    changed = [d for d in datasets if state.get(d.dataset_id) != fingerprint(d)]
    removed = sorted(set(state) - set(current))
    gids = [d.dataset_id for d in changed] + removed
    public = [d for d in changed if d.public]
    hidden = [d for d in changed if not d.public]
    try:
        with conn:
            cur = conn.cursor()
            if not _exists(cur, schema, restricted_table):
                raise LoadError(f"{schema}.{restricted_table} is missing: run a full load")
            if gids:
                columns = table_columns(cur, schema, table)
                for target in (table, restricted_table):
                    cur.execute(f"DELETE FROM {_qualified(schema, target)}"
                                " WHERE granule_gid = ANY(%s)", (gids,))
                _copy(cur, schema, table, columns, public, counter)
                _copy(cur, schema, restricted_table, columns, hidden, counter)
                cur.execute(f"DELETE FROM {_qualified(schema, STATE_TABLE)}"
                            " WHERE dataset_id = ANY(%s)", (gids,))
                _write_state(cur, schema, changed)
                _write_products(cur, public, f"{schema}.{table}", gids)
                cur.execute(f"ANALYZE {_qualified(schema, table)}")
    except psycopg2.Error as exc:
        raise LoadError(f"the database refused the update, {schema}.{table} is unchanged: "
                        f"{exc.pgerror or exc}".strip()) from None
    return {"full": False, "changed": sorted(d.dataset_id for d in changed), "removed": removed,
            "public": sum(len(d) for d in public), "restricted": sum(len(d) for d in hidden)}
