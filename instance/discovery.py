"""Discovery queries on amdadb.epn_core answered from its datasets table.

VESPA counts the granules of every service (``SELECT COUNT(*) FROM
amdadb.epn_core [WHERE ...]``) and TOPCAT users list the values of a column
(``SELECT DISTINCT target_name ...``) or survey the datasets (``... GROUP BY
granule_gid`` with ``COUNT(*)``, ``MIN(time_min)``, ``MAX(time_max)``).  Over
the granules view these read millions of rows; the datasets table holds the
same answers in a thousand: every epn_core column but the granules' own is a
dataset's, and each dataset row carries its granule count and the first
time_min and last time_max of its granules (``granule_count``,
``first_time_min``, ``last_time_max``, written by each load).

:func:`install` wraps DaCHS's ADQL-to-PostgreSQL translation (``gavo.adql.morphPG``,
which ``gavo.protocols.adqlglue`` calls for TAP sync and async queries and the
ADQL form alike): after DaCHS morphed a query, :func:`rewrite` sends it to
the public datasets that have granules instead of the view (to
the view ``amdadb.public_datasets``, which the TAP role may read) when the
result cannot differ, that is when the query

* reads amdadb.epn_core alone (no join, subquery, set operation or CTE),
* names, outside aggregates, only dataset columns (in ORDER BY and GROUP BY,
  the select list's aliases too),
* and is a SELECT DISTINCT or has a GROUP BY or aggregates, these only:
  aggregates: COUNT(*) (becomes the sum of granule_count), MIN(time_min)
  and MAX(time_max) (the minimum of first_time_min, the maximum of
  last_time_max), MIN, MAX and COUNT(DISTINCT ...) of dataset columns.

Every other query goes to PostgreSQL as DaCHS wrote it.  The result table
DaCHS describes (columns, names, types, units, UCDs, table metadata) comes
from the query as the user wrote it, so it is the same either way; only the
``sql_query`` INFO of the VOTable shows the SQL actually run.
"""

#: The published view, as DaCHS names it in ADQL.
VIEW = "amdadb.epn_core"
#: What replaces it in a rewritten query: the public datasets that have granules.
SUMMARY = "amdadb.public_datasets AS {alias}"
#: Aggregates of the granules' own columns that the datasets answer:
#: (function, column) -> the aggregate over the datasets.
GRANULE_AGGREGATES = {("MIN", "time_min"): "MIN(first_time_min)",
                      ("MAX", "time_max"): "MAX(last_time_max)"}
#: Aggregates of dataset columns whose value over the granules is the value over
#: the datasets that have granules.
DATASET_AGGREGATES = ("MIN", "MAX")
#: Node types that put another table or query in a query.
_OTHER_SOURCES = {"withQuery", "querySetExpression", "querySetTerm", "derivedTable",
                  "joinSpecification", "joinOperator", "joinedTable", "subJoin",
                  "setGeneratingFunction", "uploadTableName"}


def dataset_columns():
    """Return the set of epn_core columns that are a dataset's, not a granule's."""
    from ingest.amdadb import DATASET_COLUMNS, DATASET_EXTRAS
    return set(DATASET_COLUMNS) - set(DATASET_EXTRAS)


class _SQL(str):
    """SQL text standing for a node of an ADQL tree (flattened as it is)."""

    def flatten(self):
        return str(self)


class _Refused(Exception):
    """The query may not be answered from the datasets table."""


def _children(node):
    """Return the ADQL nodes and strings directly below ``node`` (attribute order)."""
    from gavo.adql import nodes
    found = []

    def add(value):
        if isinstance(value, nodes.ADQLNode):
            found.append(value)
        elif isinstance(value, str):
            found.append(value)
        elif isinstance(value, (list, tuple)) or type(value).__name__ == "ParseResults":
            for item in value:
                add(item)

    for _, value in node.iterAttributes():
        add(value)
    return found


def _name(value):
    """Return an identifier of the ADQL tree as a lower-case string (quoted ones as written)."""
    return str(getattr(value, "name", value)).lower()


class _Survey:
    """What :func:`rewrite` learns from a walk over an annotated ADQL tree."""

    def __init__(self, columns):
        self.columns = columns
        self.cores, self.tables, self.aggregates = [], [], []
        self.aliases, self.names = set(), []

    def walk(self, node, where=None, seen=None):
        seen = set() if seen is None else seen
        if id(node) in seen:
            return
        seen.add(id(node))
        kind = getattr(node, "type", None)
        if kind in _OTHER_SOURCES:
            raise _Refused(kind)
        attributes = dict(node.iterAttributes())
        if "selectList" in attributes and "fromClause" in attributes:
            self.cores.append(node)
        elif kind == "possiblyAliasedTable":
            self.tables.append(node)
            return
        elif kind == "derivedColumn" and attributes.get("alias"):
            self.aliases.add(_name(attributes["alias"]))
        elif kind == "offsetSpec" and getattr(node, "offset", None):
            raise _Refused("OFFSET")
        elif kind == "setFunctionSpecification":
            self.aggregate(node)
            return
        elif kind == "columnReference":
            self.column(node, where)
            return
        if kind in ("sortSpecification", "groupByClause"):
            where = kind
        for child in _children(node):
            if not isinstance(child, str):
                self.walk(child, where, seen)

    def column(self, node, where):
        refName = getattr(node, "refName", None)
        if refName is not None and (getattr(refName, "schema", None)
                                    or getattr(refName, "cat", None)):
            raise _Refused("schema-qualified column")
        name = _name(node.name)
        if name not in self.columns:
            self.names.append((name, where))

    def check_names(self):
        """Refuse the query if it names a column that is not a dataset's (outside ORDER BY
        and GROUP BY, where the select list's aliases may be named too)."""
        for name, where in self.names:
            if not (where and name in self.aliases):
                raise _Refused(f"column {name}")

    def aggregate(self, node):
        parts = _children(node)
        function = str(parts[0]).upper()
        inner = [p for p in parts[1:] if not (isinstance(p, str) and p in "()")]
        if function == "COUNT" and inner == ["*"]:
            self.aggregates.append(node)
            return
        if len(inner) == 1 and getattr(inner[0], "type", None) == "columnReference":
            name = _name(inner[0].name)
            if (function, name) in GRANULE_AGGREGATES:
                if getattr(inner[0], "refName", None) is not None \
                        and getattr(inner[0].refName, "schema", None):
                    raise _Refused("schema-qualified column")
                self.aggregates.append(node)
                return
            if function in DATASET_AGGREGATES:
                self.column(inner[0], None)
                self.aggregates.append(node)
                return
        if (function == "COUNT" and len(inner) == 2 and isinstance(inner[0], str)
                and inner[0].upper() == "DISTINCT"
                and getattr(inner[1], "type", None) == "columnReference"):
            self.column(inner[1], None)
            self.aggregates.append(node)
            return
        raise _Refused(f"aggregate {function}")


def plan(tree, columns=None):
    """Return (table node, {aggregate node: its SQL over the datasets}) if the annotated
    ADQL ``tree`` may be answered from the datasets table, else None."""
    survey = _Survey(dataset_columns() if columns is None else columns)
    try:
        survey.walk(tree)
        survey.check_names()
    except _Refused:
        return None
    if len(survey.cores) != 1 or len(survey.tables) != 1:
        return None
    core, table = survey.cores[0], survey.tables[0]
    if _qualified_name(table.originalTable) != VIEW:
        return None
    distinct = str(getattr(core, "setQuantifier", None) or "").upper() == "DISTINCT"
    if getattr(core, "selectList").allFieldsQuery:
        return None
    grouped = getattr(core, "groupby", None) is not None
    if not (survey.aggregates or distinct or grouped):
        return None  # one row per granule: the datasets cannot give them
    replacements = {}
    for node in survey.aggregates:
        parts = _children(node)
        function = str(parts[0]).upper()
        inner = [p for p in parts[1:] if not (isinstance(p, str) and p in "()")]
        if function == "COUNT" and inner == ["*"]:
            replacements[id(node)] = ("SUM(granule_count)" if grouped
                                      else "COALESCE(SUM(granule_count), 0)")
        elif len(inner) == 1 and (function, _name(inner[0].name)) in GRANULE_AGGREGATES:
            replacements[id(node)] = GRANULE_AGGREGATES[function, _name(inner[0].name)]
    return table, replacements


def _qualified_name(table_name):
    """Return schema.name of an ADQL TableName in lower case."""
    return ".".join(_name(p) for p in (table_name.schema, table_name.name) if p)


def rewrite(tree):
    """Return the annotated ADQL ``tree`` with the view replaced by the datasets table
    and the aggregates by theirs over it, when :func:`plan` allows it; else ``tree``
    itself (which is never changed)."""
    from gavo.adql import morphhelpers

    found = plan(tree)
    if found is None:
        return tree
    table, replacements = found
    alias = _name(table.tableName.name)
    if _qualified_name(table.tableName) == VIEW:
        alias = "epn_core"

    def aggregate(node, state):
        sql = replacements.get(id(_source(node)))
        return node if sql is None else _SQL(sql)

    def source_table(node, state):
        return _SQL(SUMMARY.format(alias=alias))

    _, result = morphhelpers.Morpher({
        "setFunctionSpecification": aggregate,
        "possiblyAliasedTable": source_table}).morph(tree)
    return result


def _source(node):
    """Return the node of the annotated tree that a morphed node was copied from."""
    while getattr(node, "original", None) is not None and node.original is not node:
        node = node.original
    return node


def install():
    """Make DaCHS answer the discovery queries of amdadb.epn_core from its datasets table
    (see the module's description); installing twice changes nothing."""
    from gavo import adql

    if getattr(adql.morphPG, "discovery", False):
        return
    original = adql.morphPG

    def morph(tree):
        return original(rewrite(tree))

    morph.discovery = True
    adql.morphPG = morph
