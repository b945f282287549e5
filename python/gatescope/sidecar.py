"""The sidecar file of trace format v2 (the extension's src/core/trace/sidecar.ts, same layout): the
pyramid levels that did not fit the notebook output, in safetensors layout, so numpy/torch users can
open it too (safetensors.numpy.load_file, or by hand).

File: 8-byte little-endian header length N, N bytes of header JSON (padded with spaces to a multiple
of 8), then the data section: each tensor's raw little-endian values, back to back in header order.
Header: {"<tensor>": {"dtype": "F32"|"F16"|"U8", "shape": [B, buckets, units], "data_offsets":
[begin, end]}, ..., "__metadata__": {"format": "gatescope.trace.sidecar", "version": "2",
"tileSteps": "<buckets per tile>", "tiles": "<JSON {tensor: [sha256 hex of tile (b, i)], b-major}>",
"quant": "<JSON {uint8 tensor: [scale, offset]}>"}}.
Tile (b, i) of a tensor [B, J, U] is buckets [i*tileSteps, min((i+1)*tileSteps, J)) of item b: one
contiguous byte range. The document keeps the SHA-256 of the N header bytes (padding included) and
the file's size; the file name is "<stem>-<first 12 hex of that hash>.gatescope.safetensors".
"""
import hashlib
import json
import os
import struct

from .value_encoding import BYTES_PER_VALUE, SAFETENSORS_DTYPE, encode_values

FORMAT = "gatescope.trace.sidecar"
SUFFIX = ".gatescope.safetensors"
HASH_PLACEHOLDER = "0" * 64


def tensor_name(layer, direction, gate, bucket, summary, run=None):
    """e.g. "L0.forward.r.x1.mean" (x = steps per bucket); "b.L1.reverse.c.x16.max" for run b."""
    return f"{run + '.' if run and run != 'a' else ''}L{layer}.{direction}.{gate}.x{bucket}.{summary}"


def file_name(stem, header_sha256):
    return f"{stem}-{header_sha256[:12]}{SUFFIX}"


def _tiles_per_item(buckets, tile_steps):
    return -(-buckets // tile_steps)


def _header_json(tile_steps, tensors, hashes):
    header = {}
    tiles = {}
    quant = {}
    for t, h in zip(tensors, hashes):
        header[t["name"]] = {"dtype": SAFETENSORS_DTYPE[t["dtype"]], "shape": list(t["values"].shape), "data_offsets": [t["begin"], t["end"]]}
        tiles[t["name"]] = h
        if t["dtype"] == "uint8":
            quant[t["name"]] = [t["scale"], t["offset"]]
    compact = dict(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    header["__metadata__"] = {
        "format": FORMAT,
        "version": "2",
        "tileSteps": str(tile_steps),
        "tiles": json.dumps(tiles, **compact),
        "quant": json.dumps(quant, **compact),
    }
    return json.dumps(header, **compact).encode("utf-8")


def _padded(n):
    return -(-n // 8) * 8


def write_sidecar(folder, stem, tile_steps, tensors):
    """Writes tensors (dicts: name, dtype, values float32 [B, J, U], scale/offset for uint8) into
    folder/<stem>-<hash>.gatescope.safetensors and returns the document's reference
    {file, bytes, headerSha256}. Written to a temporary file in the same folder, then renamed, so a
    reader never sees half a file."""
    at = 0
    for t in tensors:
        n = t["values"].size * BYTES_PER_VALUE[t["dtype"]]
        t["begin"], t["end"] = at, at + n
        at += n
    placeholders = [[HASH_PLACEHOLDER] * (t["values"].shape[0] * _tiles_per_item(t["values"].shape[1], tile_steps)) for t in tensors]
    header_length = _padded(len(_header_json(tile_steps, tensors, placeholders)))
    total = 8 + header_length + at
    tmp = os.path.join(folder, f".{stem}.{os.getpid()}.{os.urandom(4).hex()}.gatescope-partial")
    hashes = []
    try:
        with open(tmp, "xb") as fh:
            fh.seek(8 + header_length)
            for t in tensors:
                v = t["values"]
                B, J, _ = v.shape
                per = _tiles_per_item(J, tile_steps)
                listed = []
                for b in range(B):
                    for i in range(per):
                        raw = encode_values(v[b, i * tile_steps:(i + 1) * tile_steps], t["dtype"], t.get("scale", 0.0), t.get("offset", 0.0))
                        listed.append(hashlib.sha256(raw).hexdigest())
                        fh.write(raw)
                hashes.append(listed)
            header = _header_json(tile_steps, tensors, hashes)
            padded = header + b" " * (header_length - len(header))
            if len(padded) != header_length:
                raise RuntimeError(f"sidecar header is {len(header)} bytes, laid out for {header_length}")
            fh.seek(0)
            fh.write(struct.pack("<Q", header_length))
            fh.write(padded)
            fh.flush()
            os.fsync(fh.fileno())
        header_sha256 = hashlib.sha256(padded).hexdigest()
        name = file_name(stem, header_sha256)
        os.replace(tmp, os.path.join(folder, name))
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return {"file": name, "bytes": total, "headerSha256": header_sha256}


def read_sidecar(path):
    """Reads a sidecar back: (header dict, {tensor name: float64 array}), checking every tile's hash.
    For tests and for users who want the fine levels in NumPy."""
    import numpy as np

    with open(path, "rb") as fh:
        raw = fh.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__")
    if meta.get("format") != FORMAT:
        raise ValueError(f"{os.path.basename(path)} is not a Gatescope sidecar")
    tile_steps = int(meta["tileSteps"])
    tiles = json.loads(meta["tiles"])
    quant = json.loads(meta["quant"])
    np_dtype = {"F32": "<f4", "F16": "<f2", "U8": "u1"}
    data = raw[8 + n:]
    out = {}
    for name, e in header.items():
        B, J, U = e["shape"]
        begin, end = e["data_offsets"]
        chunk = data[begin:end]
        width = {"F32": 4, "F16": 2, "U8": 1}[e["dtype"]]
        per = _tiles_per_item(J, tile_steps)
        for b in range(B):
            for i in range(per):
                j0, j1 = i * tile_steps, min(J, (i + 1) * tile_steps)
                tile = chunk[(b * J + j0) * U * width:(b * J + j1) * U * width]
                if hashlib.sha256(tile).hexdigest() != tiles[name][b * per + i]:
                    raise ValueError(f"{os.path.basename(path)}: tile {i} of {name} (batch item {b}) is corrupt")
        a = np.frombuffer(chunk, np_dtype[e["dtype"]]).reshape(B, J, U)
        if e["dtype"] == "U8":
            scale, offset = quant[name]
            v = offset + scale * a.astype(np.float64)
            v[a == 253] = np.nan
            v[a == 254] = np.inf
            v[a == 255] = -np.inf
            out[name] = v
        else:
            out[name] = a.astype(np.float64)
    return header, out
