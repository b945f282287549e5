"""Reads every CASE.npy in a folder with numpy and prints one JSON line per file: whether numpy
loads it, its shape, and a SHA-256 of its values as Gatescope keeps them (float -> little-endian
float32 with NaNs made canonical, int64 -> <i8, int32 -> <i4). Used by test/fuzz/run-fuzz.ts."""
import hashlib
import json
import os
import sys
import warnings

import numpy as np

warnings.simplefilter('ignore')


def digest(arr):
    arr = np.ascontiguousarray(arr)
    if arr.dtype.kind == 'f':
        v = arr.astype('<f4')
        v[np.isnan(v)] = np.float32('nan')
    elif arr.dtype.kind == 'i' and arr.dtype.itemsize == 8:
        v = arr.astype('<i8')
    elif arr.dtype.kind == 'i' and arr.dtype.itemsize == 4:
        v = arr.astype('<i4')
    else:
        return None
    return hashlib.sha256(v.tobytes()).hexdigest()


def main(folder):
    for name in sorted(os.listdir(folder)):
        if not name.endswith('.npy'):
            continue
        out = {'file': name}
        try:
            arr = np.load(os.path.join(folder, name), allow_pickle=False)
            out.update(ok=True, shape=list(arr.shape), dtype=arr.dtype.str, fortran=bool(arr.flags.f_contiguous and not arr.flags.c_contiguous), sha=digest(arr))
        except Exception as e:  # numpy's refusal, whatever its type
            out.update(ok=False, error=type(e).__name__)
        print(json.dumps(out))


if __name__ == '__main__':
    main(sys.argv[1])
