"""Bulk loading of mapped granules into PostgreSQL, never serving half a table.

amdadb's epn_core is a view joining two tables: ``granules`` (what changes
from one granule to the next, GRANULE_COLUMNS) and ``datasets`` (one row per
dataset, DATASET_COLUMNS); ``epn_core`` shows the public datasets' granules,
``epn_core_restricted``, which DaCHS does not publish, the others.

A full load builds new tables beside the published ones (COPY by parallel
workers, indexes, ANALYZE) and swaps them in within one transaction, the
views re-created on them: queries running meanwhile see the old tables,
later ones the new ones, and a failed or interrupted load leaves the
published ones as they were (half-filled new tables are dropped then, or at
the next load).  An incremental load rewrites, in one transaction, only the
rows of the datasets whose mapped content changed, known from a fingerprint
kept per dataset in a state table.

Granules with a local file get a row in DaCHS's ``dc.products`` (accref =
the file's path below the inputs directory), which is what DaCHS's
getproduct serves.  :func:`replace_rows` swaps in a whole plain epn_core
table (the services whose granules come from product files).
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

from ingest.amdadb import CDF_MIME, DATASET_COLUMNS, GRANULE_COLUMNS

#: Indexes of a plain epn_core table for the queries VESPA and TOPCAT send:
#: (name suffix, columns, unique, method).
INDEXES = (
    ("granule_uid", ("granule_uid",), True, "btree"),
    ("granule_gid", ("granule_gid",), False, "btree"),
    ("target_name", ("target_name",), False, "btree"),
    ("target_class", ("target_class",), False, "btree"),
    ("time_min", ("time_min",), False, "btree"),
    ("time_max", ("time_max",), False, "btree"),
    ("dataproduct_type", ("dataproduct_type",), False, "btree"),
    ("instrument_host_name", ("instrument_host_name",), False, "btree"),
)

#: Indexes of amdadb's granules table: a granule by uid, a dataset's granules
#: in time order (the join from datasets; time_max is there so that an
#: overlap's second bound is checked in the index), and time overlaps
#: (time_min <= t1 AND time_max >= t0) on two columns at once (GiST, from
#: btree_gist).  The datasets table, a few thousand rows, is read whole.
GRANULE_INDEXES = (
    ("granule_uid", ("granule_uid",), True, "btree"),
    ("granule_gid_time", ("granule_gid", "time_min", "time_max"), False, "btree"),
    ("time_min_time_max", ("time_min", "time_max"), False, "gist"),
)
DATASET_INDEXES = (("granule_gid", ("granule_gid",), True, "btree"),)

#: The tables of amdadb (the views over them are re-created on each swap).
GRANULES, DATASETS = "granules", "datasets"

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
    """A file-like object reading the UTF-8 of an iterator over text pieces.

    Each read returns the next piece whole, whatever the size asked:
    psycopg2's COPY sends what it gets.
    """

    def __init__(self, pieces):
        self._pieces = pieces

    def readable(self):
        return True

    def read(self, size=-1):
        for piece in self._pieces:
            if piece:
                return piece.encode("utf-8")
        return b""


_SPECIAL = ("\\", "\t", "\n", "\r")
NULL = "\\N"


def _plain(text):
    return not any(ch in text for ch in _SPECIAL)


def granule_lines(datasets, counter=None):
    """Return an iterator over the COPY text of the granules rows (GRANULE_COLUMNS) of
    ``datasets``, one string per dataset; ``counter(n)`` is called after each with its
    granule count."""
    for ds in datasets:
        # Ids and URLs are built from these pieces only, so when none needs
        # escaping, the values go in as they are.
        if all(_plain(x) for x in (ds.dataset_id, ds.hapi_url, ds.server_url,
                                   *(str(p) for p in ds.files.values()))):
            yield "".join([
                f"{uid}\t{gid}\t{tmin!r}\t{tmax!r}\t{url}\t{fmt}\t"
                f"{NULL if est is None else est}\t{NULL if name is None else name}\n"
                for uid, gid, tmin, tmax, url, fmt, est, name in ds.stored()])
        else:
            yield "".join("\t".join(map(copy_value, values)) + "\n" for values in ds.stored())
        if counter:
            counter(len(ds))


def row_lines(rows, columns):
    """Return an iterator over the COPY text lines of the dicts ``rows`` (``columns`` in order)."""
    for row in rows:
        yield "\t".join([copy_value(row.get(c)) for c in columns]) + "\n"


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


def _copy(cur, schema, table, columns, lines):
    """COPY the text ``lines`` (an iterator of strings) into schema.table (``columns``)."""
    sql = (f"COPY {_qualified(schema, table)} ({', '.join(map(_ident, columns))})"
           " FROM STDIN WITH (FORMAT text)")
    cur.copy_expert(sql, _LineStream(lines), size=1 << 20)


def _copy_granules(cur, schema, table, datasets, counter=None):
    _copy(cur, schema, table, GRANULE_COLUMNS, granule_lines(datasets, counter))


def _copy_datasets(cur, schema, table, datasets):
    _copy(cur, schema, table, DATASET_COLUMNS,
          row_lines((d.dataset_row() for d in datasets), DATASET_COLUMNS))


def _key_list(using):
    """Return the key columns of an index definition's ``method (keys) [INCLUDE (...)]
    [WITH (...)] [WHERE ...]`` as written: the text within its first parentheses."""
    start = using.find("(")
    depth = 0
    for end in range(start, len(using)):
        depth += {"(": 1, ")": -1}.get(using[end], 0)
        if depth == 0:
            return using[start + 1:end]
    return using[start + 1:]


def _index_statements(cur, schema, published, target, wanted=INDEXES):
    """Return CREATE INDEX statements for ``target``: those of ``published``, plus those of
    ``wanted`` (see INDEXES) missing there."""
    statements, covered = [], set()
    cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s"
                " AND tablename = %s", (schema, published))
    for name, definition in cur.fetchall():
        if " ON " not in definition:
            continue
        head, _, rest = definition.partition(" ON ")
        _, _, using = rest.partition(" USING ")
        covered.add(tuple(c.strip().strip('"') for c in _key_list(using).split(",")))
        unique = "UNIQUE " if head.startswith("CREATE UNIQUE") else ""
        statements.append((name, f"CREATE {unique}INDEX {{name}} ON {_qualified(schema, target)}"
                                 f" USING {using}"))
    for suffix, cols, unique, method in wanted:
        if cols in covered:
            continue
        name = f"{published}_{suffix}_idx"
        kind = "UNIQUE " if unique else ""
        statements.append((name, f"CREATE {kind}INDEX {{name}} ON {_qualified(schema, target)}"
                                 f" USING {method} ({', '.join(map(_ident, cols))})"))
    # The longest build first, so that the others run beside it.
    return sorted(statements, key=lambda s: " USING gist " not in s[1].lower())


def _grants(cur, schema, table):
    cur.execute("SELECT grantee, privilege_type FROM information_schema.role_table_grants"
                " WHERE table_schema = %s AND table_name = %s", (schema, table))
    return cur.fetchall()


def _owner(cur, schema, table):
    """Return the owner of the table or view schema.table (None if there is none)."""
    cur.execute("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass(%s)",
                (_qualified(schema, table),))
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


def _copy_worker(dsn, schema, table, datasets, messages):
    """COPY the granules of ``datasets`` into schema.table on a connection of its own and
    commit; report granule counts, then "done" or the error, on the queue ``messages``."""
    try:
        conn = connect(dsn)
        with conn:
            cur = conn.cursor()
            cur.execute("SET LOCAL synchronous_commit = off")
            _copy_granules(cur, schema, table, datasets, lambda n: messages.put(("count", n)))
        conn.close()
        messages.put(("done", None))
    except Exception as exc:  # reported to the parent, which raises LoadError
        messages.put(("error", getattr(exc, "pgerror", None) or str(exc)))


def _parallel_copy(dsn, schema, table, parts, counter):
    """COPY the granules of each run of datasets of ``parts`` in a process of its own;
    raise LoadError on failure."""
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    workers = [context.Process(target=_copy_worker, args=(dsn, schema, table, part, messages))
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


def _buffered_gist(cur):
    """Return True if GiST indexes on float8 are better built with buffering: where
    btree_gist's operator class cannot sort (before btree_gist 1.8), a buffered build of
    the time index takes about a fifth less time than the default (2.5 M granules: 11 s
    against 14 s); where it can, the default build sorts, which buffering would prevent."""
    cur.execute("SELECT NOT EXISTS (SELECT FROM pg_amproc p"
                " JOIN pg_opfamily f ON f.oid = p.amprocfamily"
                " JOIN pg_am m ON m.oid = f.opfmethod"
                " WHERE m.amname = 'gist' AND f.opfname = 'gist_float8_ops'"
                " AND p.amprocnum = 11)")
    return cur.fetchone()[0]


def _build_indexes(dsn, statements, workers):
    """Run the CREATE INDEX ``statements`` ([(qualified name, statement)]), in their order,
    ``workers`` at a time, each on a connection of its own.  GiST indexes are built with
    buffering where that is faster (see _buffered_gist); the option is reset afterwards,
    so that the definitions the next load copies carry no build option."""
    def run(name, statement):
        conn = connect(dsn)
        try:
            with conn:
                cur = conn.cursor()
                cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
                if " USING gist " in statement.lower() and " WITH (" not in statement.upper() \
                        and _buffered_gist(cur):
                    cur.execute(f"{statement} WITH (buffering = on)")
                    cur.execute(f"ALTER INDEX {name} RESET (buffering)")
                else:
                    cur.execute(statement)
        finally:
            conn.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(run, *s) for s in statements]:
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


def _dependent_views(cur, schema, tables):
    """Return the views on the tables ``tables`` of ``schema``, in creation order:
    [(name, definition, owner, grants)], definitions with the schema's names unqualified."""
    cur.execute("SET LOCAL search_path TO " + _ident(schema))
    cur.execute("SELECT DISTINCT v.oid, v.relname FROM pg_depend AS d"
                " JOIN pg_rewrite AS r ON r.oid = d.objid JOIN pg_class AS v ON v.oid = r.ev_class"
                " WHERE d.classid = 'pg_rewrite'::regclass AND v.relkind = 'v'"
                " AND d.refobjid = ANY(%s::regclass[]) ORDER BY v.oid",
                ([_qualified(schema, t) for t in tables],))
    views = []
    for oid, name in cur.fetchall():
        cur.execute("SELECT pg_get_viewdef(%s)", (oid,))
        views.append((name, cur.fetchone()[0], _owner(cur, schema, name),
                      _grants(cur, schema, name)))
    cur.execute("SET LOCAL search_path TO DEFAULT")
    return views


def _create_views(cur, schema, views):
    """Create the ``views`` of :func:`_dependent_views` in ``schema`` (with their owners and grants)."""
    cur.execute("SET LOCAL search_path TO " + _ident(schema))
    for name, definition, owner, grants in views:
        cur.execute(f"CREATE VIEW {_qualified(schema, name)} AS {definition}")
        if owner:
            cur.execute(f"ALTER VIEW {_qualified(schema, name)} OWNER TO {_ident(owner)}")
        for grantee, privilege in grants:
            cur.execute(f"GRANT {privilege} ON {_qualified(schema, name)} TO {_ident(grantee)}")
    cur.execute("SET LOCAL search_path TO DEFAULT")


def _swap_tables(cur, schema, swaps):
    """Replace, in the current transaction, each published table of ``swaps``
    [(table, new, indexes)] by its new one, and re-create the views on them."""
    views = _dependent_views(cur, schema, [table for table, _, _ in swaps])
    for name, _, _, _ in views:
        cur.execute(f"LOCK TABLE {_qualified(schema, name)} IN ACCESS EXCLUSIVE MODE")
    for name, _, _, _ in reversed(views):
        cur.execute(f"DROP VIEW {_qualified(schema, name)}")
    for table, new, indexes in swaps:
        _swap(cur, schema, table, new, indexes)
    _create_views(cur, schema, views)


def copy_structure(cur, source, target):
    """Create in schema ``target`` empty copies of amdadb's tables (with their indexes)
    and views in schema ``source`` (for trial loads)."""
    for table in (GRANULES, DATASETS):
        cur.execute(f"CREATE TABLE {_qualified(target, table)} (LIKE {_qualified(source, table)}"
                    " INCLUDING ALL)")
    _create_views(cur, target, _dependent_views(cur, source, [GRANULES, DATASETS]))


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


def full_load(conn, datasets, schema="amdadb", counter=None, timings=None, dsn=None,
              workers=None):
    """Load all ``datasets`` into new granules and datasets tables and swap them in.

    The new tables are filled beside the published ones (the granules by
    ``workers`` COPY processes, default one per CPU core, on connections to
    ``dsn``, default DaCHS's admin profile; then indexes and ANALYZE); one
    transaction then replaces the published tables by them and re-creates
    the views on them.  Returns {"public": n, "restricted": n, "products":
    n}; ``timings``, if a dict, receives the seconds of each phase.  Raises
    LoadError, leaving the published tables as they were, if they do not
    exist or the database refuses the load.
    """
    import psycopg2

    workers = workers or min(os.cpu_count() or 1, 4)
    new = {table: f"{table}__loading" for table in (GRANULES, DATASETS)}
    public = [d for d in datasets if d.public]
    timings = {} if timings is None else timings
    clock = [time.perf_counter()]

    def lap(phase):
        now = time.perf_counter()
        timings[phase] = timings.get(phase, 0.0) + now - clock[0]
        clock[0] = now

    def drop_loading_tables():
        with conn:
            cur = conn.cursor()
            for name in new.values():
                cur.execute(f"DROP TABLE IF EXISTS {_qualified(schema, name)}")

    try:
        with conn:
            cur = conn.cursor()
            indexes = {}
            for table, wanted in ((GRANULES, GRANULE_INDEXES), (DATASETS, DATASET_INDEXES)):
                _new_table_like(cur, schema, table, [new[table]])
                indexes[table] = _index_statements(cur, schema, table, new[table], wanted)
        lap("prepare")
        try:
            # A dataset's granules lie together, in time order, and datasets of
            # one target next to each other.
            ordered = sorted(datasets, key=physical_order)
            _parallel_copy(dsn, schema, new[GRANULES], _split(ordered, workers), counter)
            with conn:
                _copy_datasets(conn.cursor(), schema, new[DATASETS], ordered)
            lap("copy")
            statements = []
            for table in (GRANULES, DATASETS):
                for number, (_, statement) in enumerate(indexes[table]):
                    name = f"{new[table]}_{number}_idx"
                    statements.append((_qualified(schema, name),
                                       statement.format(name=_ident(name))))
            _build_indexes(dsn, statements, workers)
            lap("index")
            with conn:
                cur = conn.cursor()
                for table in (GRANULES, DATASETS):
                    cur.execute(f"ANALYZE {_qualified(schema, new[table])}")
                lap("analyze")
                _swap_tables(cur, schema, [(table, new[table], indexes[table])
                                           for table in (GRANULES, DATASETS)])
                _ensure_state_table(cur, schema)
                cur.execute(f"DELETE FROM {_qualified(schema, STATE_TABLE)}")
                _write_state(cur, schema, datasets)
                products = _write_products(cur, public, f"{schema}.epn_core")
            lap("swap")
        except BaseException:
            drop_loading_tables()
            raise
    except psycopg2.Error as exc:
        raise LoadError(f"the database refused the load, {schema}.epn_core is unchanged: "
                        f"{exc.pgerror or exc}".strip()) from None
    except LoadError as exc:
        if "does not exist" in str(exc):
            raise
        raise LoadError(f"the database refused the load, {schema}.epn_core is unchanged: "
                        f"{exc}") from None
    return {"public": sum(len(d) for d in public),
            "restricted": sum(len(d) for d in datasets if not d.public), "products": products}


def loaded_state(conn, schema="amdadb"):
    """Return {dataset_id: fingerprint} of the last load (None if there was none)."""
    with conn:
        cur = conn.cursor()
        if not _exists(cur, schema, STATE_TABLE):
            return None
        cur.execute(f"SELECT dataset_id, fingerprint FROM {_qualified(schema, STATE_TABLE)}")
        return dict(cur.fetchall())


def _matches_state(conn, schema):
    """Return True if the granules table holds as many rows as the last load's state says."""
    with conn:
        cur = conn.cursor()
        cur.execute(f"SELECT coalesce(sum(granules), 0) FROM {_qualified(schema, STATE_TABLE)}")
        expected = cur.fetchone()[0]
        cur.execute(f"SELECT count(*) FROM {_qualified(schema, GRANULES)}")
        return cur.fetchone()[0] == expected


def incremental_load(conn, datasets, schema="amdadb", counter=None):
    """Rewrite only the rows of the datasets that changed since the last load.

    Changed or new datasets are deleted and copied again, datasets gone from
    the records are deleted, all in one transaction.  Returns {"changed":
    [ids], "removed": [ids], "public": n granules written, "restricted": n}.
    Falls back to :func:`full_load` (and says so with "full": True) when
    there is no state of a previous load, or the tables do not hold what
    that state says (they were filled by other means since).
    """
    import psycopg2

    state = loaded_state(conn, schema)
    if state is not None and not _matches_state(conn, schema):
        state = None  # the tables were filled by something else (e.g. dachs imp): rebuild them
    if state is None:
        result = full_load(conn, datasets, schema, counter)
        return {**result, "full": True, "changed": sorted(d.dataset_id for d in datasets),
                "removed": []}
    current = {d.dataset_id: d for d in datasets}
    changed = [d for d in datasets if state.get(d.dataset_id) != fingerprint(d)]
    removed = sorted(set(state) - set(current))
    gids = [d.dataset_id for d in changed] + removed
    public = [d for d in changed if d.public]
    try:
        with conn:
            cur = conn.cursor()
            if gids:
                for table in (GRANULES, DATASETS):
                    cur.execute(f"DELETE FROM {_qualified(schema, table)}"
                                " WHERE granule_gid = ANY(%s)", (gids,))
                _copy_granules(cur, schema, GRANULES, changed, counter)
                _copy_datasets(cur, schema, DATASETS, changed)
                cur.execute(f"DELETE FROM {_qualified(schema, STATE_TABLE)}"
                            " WHERE dataset_id = ANY(%s)", (gids,))
                _write_state(cur, schema, changed)
                _write_products(cur, public, f"{schema}.epn_core", gids)
                for table in (GRANULES, DATASETS):
                    cur.execute(f"ANALYZE {_qualified(schema, table)}")
    except psycopg2.Error as exc:
        raise LoadError(f"the database refused the update, {schema}.epn_core is unchanged: "
                        f"{exc.pgerror or exc}".strip()) from None
    return {"full": False, "changed": sorted(d.dataset_id for d in changed), "removed": removed,
            "public": sum(len(d) for d in public),
            "restricted": sum(len(d) for d in changed if not d.public)}
