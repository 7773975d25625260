"""CDF output of a :class:`~datalink.cdfread.Slice`: an ISTP subset of the source file.

The subset holds the sliced parameters, their time variable and every
variable their attributes point at (DEPEND_i, LABL_PTR_i, DELTA_*_VAR …),
with the global and variable attributes of the source kept and their CDF
types preserved.  Record-varying variables are cut to the records of their
own time variable inside the requested interval.  The subset is written a
block of records at a time (one VVR each, see :class:`CdfWriter`) into a
temporary file, which is then streamed in blocks: memory does not grow with
the slice.
"""

import os
import tempfile

import numpy as np
from cdflib._gzip_wrapper import gzip_deflate
from cdflib.cdfwrite import CDF as _CdflibWriter

from . import epochs
from .errors import CorruptFile

MEDIA_TYPE = "application/x-cdf"
BLOCK_BYTES = 1024 * 1024


class RecordBlocks:
    """The records of a variable given as consecutive blocks (an iterable of arrays).

    :class:`CdfWriter` writes each block as a VVR of its own as it comes, so
    that a variable is never held whole in memory.
    """

    def __init__(self, blocks):
        self.blocks = blocks


class CdfWriter(_CdflibWriter):
    """cdflib's CDF writer, taking record data in blocks and writing CDF_EPOCH16 correctly.

    ``write_var(..., var_data=RecordBlocks(iterable))`` writes one VVR (or
    compressed CVVR) per block, indexed by VXRs as cdflib does for its own
    compressed blocks.  cdflib 1.3
    also flattens EPOCH16 values into (real, imag) float pairs and then turns
    each float into a complex of its own, doubling the records; here the pairs
    are written as they are.
    """

    def _convert_data(self, data_type, num_elems, num_values, indata):
        if data_type == self.CDF_EPOCH16 and isinstance(indata, np.ndarray) and indata.dtype.kind == "f":
            pairs = indata.astype(np.dtype(self._convert_option() + "f8"))
            return pairs.size // (2 * num_values * num_elems), pairs.tobytes()
        return super()._convert_data(data_type, num_elems, num_values, indata)

    def _write_var_data_nonsparse(self, f, zVar, var, dataType, numElems, recVary, compression,
                                  blockingfactor, indata):
        if not isinstance(indata, RecordBlocks):
            return super()._write_var_data_nonsparse(
                f, zVar, var, dataType, numElems, recVary, compression, blockingfactor, indata)
        vdr_offset = (self.zvarsinfo if zVar else self.rvarsinfo)[var][1]
        values_per_record = self._num_values(zVar, var)
        records = 0
        used = 0
        vxr_count = 0
        vxr_head = vxr = None
        for block in indata.blocks:
            block = np.asarray(block)
            if dataType == self.CDF_EPOCH16:
                block = np.stack([block.real, block.imag], axis=-1).astype(np.float64)
            count, data = self._convert_data(dataType, numElems, values_per_record, block)
            if count == 0:
                continue
            compressed = gzip_deflate(data, compression) if compression > 0 else data
            vvr = self._write_cvvr(f, compressed) if len(compressed) < len(data) else self._write_vvr(f, data)
            if vxr is None:
                self._update_offset_value(f, vdr_offset + 80, 4, count)  # the VDR's BlockingFactor
                vxr = vxr_head = self._write_vxr(f)
                vxr_count = 1
                self._update_vdr_vxrheadtail(f, vdr_offset, vxr)
            elif used >= self.NUM_VXR_ENTRIES:
                previous, vxr = vxr, self._write_vxr(f)
                vxr_count += 1
                self._update_offset_value(f, previous + 12, 8, vxr)
                self._update_offset_value(f, vdr_offset + 36, 8, vxr)
            used = self._use_vxrentry(f, vxr, records, records + count - 1, vvr)
            records += count
        if vxr_count > self.NUM_VXRlvl_ENTRIES:
            head, tail = self._add_vxr_levels_r(f, vxr_head, vxr_count)
            self._update_offset_value(f, vdr_offset + 28, 8, head)
            self._update_offset_value(f, vdr_offset + 36, 8, tail)
        self._update_offset_value(f, vdr_offset + 24, 4, records - 1)
        return records - 1


def referenced_variables(file, names):
    """Return ``names`` and every variable their attributes name, transitively, in file order."""
    wanted = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in wanted:
            continue
        wanted.add(name)
        for value in file.attributes(name).values():
            if isinstance(value, str) and value.strip() in file.variables and value.strip() not in wanted:
                pending.append(value.strip())
    return [name for name in file.variables if name in wanted]


def _typed_attribute(cdf, attribute, entry):
    """Return [value, cdf type] of one attribute entry, as cdflib's writer takes it."""
    data = cdf.attget(attribute, entry)
    value = data.Data
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(-1)[0]
    if data.Data_Type in ("CDF_CHAR", "CDF_UCHAR"):
        return value
    return [value, data.Data_Type.lower()]


def _global_attributes(file):
    """Return the source's global attributes in the form cdflib's writer takes."""
    result = {}
    for name in file.global_attributes:
        inquiry = file.cdf.attinq(name)
        entries = {}
        for entry in range(inquiry.max_gr_entry + 1):
            try:
                entries[entry] = _typed_attribute(file.cdf, name, entry)
            except (ValueError, KeyError, IndexError):
                continue
        if entries:
            result[name] = entries
    return result


def _variable_attributes(file, name):
    """Return the attributes of variable ``name`` in the form cdflib's writer takes."""
    return {attribute: _typed_attribute(file.cdf, attribute, name) for attribute in file.attributes(name)}


def _record_range(file, slice_, name, ranges):
    """Return the records [first, stop) of variable ``name`` inside the slice's interval."""
    time_variable = name if file.data_type(name) in epochs.EPOCH_TYPES else file.time_variable(name)
    if time_variable is None:
        return 0, file.record_count(name)
    if time_variable not in ranges:
        epoch_type = file.data_type(time_variable)
        first, stop = 0, file.record_count(time_variable)
        if slice_.start_time is not None:
            first = file.search(time_variable, epochs.time_to_epoch(slice_.start_time, epoch_type), "left")
        if slice_.stop_time is not None:
            stop = max(first, file.search(time_variable, epochs.time_to_epoch(slice_.stop_time, epoch_type), "right"))
        ranges[time_variable] = (first, stop)
    first, stop = ranges[time_variable]
    return first, min(stop, file.record_count(name))


def _blocks(file, name, first, stop):
    """Yield the records [first, stop) of variable ``name`` in blocks of about :data:`BLOCK_BYTES`."""
    size = np.dtype(np.complex128 if file.data_type(name) == "CDF_EPOCH16" else np.float64).itemsize
    per_record = max(1, int(np.prod(file.shape(name) or (1,))) * size)
    step = max(1, BLOCK_BYTES // per_record)
    for begin in range(first, stop, step):
        yield file.read(name, begin, min(begin + step, stop) - 1)


def write_subset(slice_, path):
    """Write the ISTP subset CDF of ``slice_`` to ``path`` (which must not exist); return ``path``."""
    file = slice_.file
    names = referenced_variables(file, [slice_.time_variable] + [p.name for p in slice_.parameters])
    ranges = {slice_.time_variable: (slice_.first, slice_.stop)}
    info = file.cdf.cdf_info()
    writer = CdfWriter(str(path), cdf_spec={"Majority": info.Majority, "Encoding": 6})
    try:
        writer.write_globalattrs(_global_attributes(file))
        for name in names:
            inquiry = file.cdf.varinq(name)
            spec = {
                "Variable": name,
                "Data_Type": inquiry.Data_Type,
                "Num_Elements": inquiry.Num_Elements,
                "Rec_Vary": inquiry.Rec_Vary,
                "Dim_Sizes": list(inquiry.Dim_Sizes),
                "Var_Type": "zVariable",
            }
            if inquiry.Rec_Vary:
                first, stop = _record_range(file, slice_, name, ranges)
                data = RecordBlocks(_blocks(file, name, first, stop)) if stop > first else None
            else:
                data = file.read(name)
            writer.write_var(spec, var_attrs=_variable_attributes(file, name), var_data=data)
    except CorruptFile:
        raise
    except Exception as exc:
        raise CorruptFile(file.path, f"cannot copy into a CDF subset ({type(exc).__name__}: {exc})") from None
    finally:
        writer.close()
    return path


def cdf_stream(slice_):
    """Yield the bytes of the ISTP subset CDF of ``slice_``, in blocks of :data:`BLOCK_BYTES`."""
    directory = tempfile.mkdtemp(prefix="datalink-")
    path = os.path.join(directory, slice_.path.stem + "_subset.cdf")
    try:
        write_subset(slice_, path)
        with open(path, "rb") as stream:
            while block := stream.read(BLOCK_BYTES):
                yield block
    finally:
        if os.path.exists(path):
            os.unlink(path)
        os.rmdir(directory)
