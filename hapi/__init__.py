"""A HAPI 3.3 server for the amdadb archive: the datasets of its SPASE records whose data are local CDF files.

* :mod:`hapi.catalog` finds the datasets served (public records with files
  in the archive) and each one's files by day;
* :mod:`hapi.info` describes a dataset from its SPASE record and CDF variables;
* :mod:`hapi.data` reads the records of a time range across files and writes
  them as csv, binary or json, chunk by chunk;
* :mod:`hapi.app` is the WSGI application (``/hapi/...``), served by
  ``python -m hapi serve``.

Files are read and times converted with :mod:`datalink`'s code, so that HAPI
data and DataLink slices of the same interval hold the same values.
"""
