"""Little-endian encodings of trace values (the extension's src/core/encoding/): float32, float16
(IEEE binary16, round to nearest even; finite magnitudes >= 65520 cannot be stored, see fits_float16)
and uint8 with a per-summary scale and offset: value = offset + scale * q for q in 0..252, codes
253 = NaN, 254 = +Inf, 255 = −Inf."""
import base64

U8_MAX_CODE = 252
U8_NAN, U8_POS_INF, U8_NEG_INF = 253, 254, 255
FLOAT16_LIMIT = 65520.0
BYTES_PER_VALUE = {"float32": 4, "float16": 2, "uint8": 1}
SAFETENSORS_DTYPE = {"float32": "F32", "float16": "F16", "uint8": "U8"}


def fits_float16(values):
    """True when every finite value survives float16 (|v| < 65520); ±Inf are kept as they are."""
    import numpy as np

    finite = values[np.isfinite(values)]
    return not (finite.size and float(np.max(np.abs(finite))) >= FLOAT16_LIMIT)


def finite_range(values, valid_lengths):
    """[min, max] of the finite values of [B, J, U], counting only j < valid_lengths[b]; [0, 0] if none."""
    import numpy as np

    B, J, _ = values.shape
    valid = (np.arange(J)[None, :] < np.asarray(valid_lengths)[:, None])[:, :, None] & np.isfinite(values)
    if not np.any(valid):
        return 0.0, 0.0
    return float(np.min(values[valid])), float(np.max(values[valid]))


def uint8_quantization(values, valid_lengths):
    """(scale, offset) of a summary: offset = smallest finite valid value, scale = range / 252."""
    lo, hi = finite_range(values, valid_lengths)
    return ((hi - lo) / U8_MAX_CODE if hi > lo else 0.0), lo


def encode_values(values, dtype, scale=0.0, offset=0.0):
    """float32 array -> little-endian bytes of dtype (uint8 with the given scale and offset)."""
    import numpy as np

    if dtype == "float32":
        return values.astype("<f4").tobytes()
    if dtype == "float16":
        with np.errstate(over="ignore"):
            return values.astype("<f2").tobytes()
    inv = 1.0 / scale if scale > 0 else 0.0
    v = values.astype(np.float64)
    with np.errstate(invalid="ignore"):
        q = np.floor((v - offset) * inv + 0.5)
    q = np.clip(np.nan_to_num(q, nan=0.0, posinf=0.0, neginf=0.0), 0, U8_MAX_CODE).astype(np.uint8)
    q[np.isnan(v)] = U8_NAN
    q[v == np.inf] = U8_POS_INF
    q[v == -np.inf] = U8_NEG_INF
    return q.tobytes()


def b64(raw):
    return base64.b64encode(raw).decode("ascii")


def b64_length(n_bytes):
    return 4 * (-(-n_bytes // 3))
