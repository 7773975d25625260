"""Time slices of CDF/ISTP files for the DataLink services.

* :mod:`datalink.cdfread` opens a file, resolves parameters and their time
  variable and finds the records of an interval by binary search
  (:func:`~datalink.cdfread.open_slice`);
* :mod:`datalink.votable`, :mod:`datalink.ascii` and :mod:`datalink.cdfout`
  write a slice chunk by chunk (generators of bytes);
* :mod:`datalink.formats` is the single entry point:
  :func:`~datalink.formats.slice_stream` returns (media type, file name,
  blocks) after checking the whole request;
* :mod:`datalink.preview` draws PNG quick-looks, :mod:`datalink.sample`
  writes ISTP sample files, :mod:`datalink.epochs` converts times;
* :mod:`datalink.dachs` is the glue the RDs' DataLink services call.

Errors are the classes of :mod:`datalink.errors`, each with its HTTP status.
"""
