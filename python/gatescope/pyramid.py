"""The time pyramid of trace format v2 (the extension's src/core/trace/pyramid.ts, same rules).

Level k summarises buckets of fanout^k steps by mean, min and max, per batch item and unit; every
level is row-major [batch][bucket][unit]. Bucket j of a level with s steps per bucket covers steps
[j*s, min((j+1)*s, T)); of batch item b only the valid steps (t < len_b) count, and a bucket with no
valid step is masked and stored as 0 in every summary. A NaN anywhere in a bucket makes all three
summaries NaN; ±Inf enter them as IEEE arithmetic says (+Inf and −Inf together give a NaN mean).
Means are accumulated in float64 and rounded once to float32.
"""
FANOUT = 4
# Values of one tile at level 0: about 128K values (512 KB of float32) per gate.
TILE_VALUES = 1 << 17
# The coarsest level has at most this many buckets (so that its whole run fits one small tile).
TOP_BUCKETS = 64


def bucket_count(steps, bucket):
    return -(-steps // bucket)


def choose_tile_steps(max_units):
    """Tile length in buckets: a power of two in [16, 4096] with about TILE_VALUES values per tile."""
    t = 4096
    while t > 16 and t * max_units > TILE_VALUES:
        t >>= 1
    return t


def level_buckets(steps, fanout, top):
    """Steps per bucket of every level, finest first: 1, f, f², … until ceil(steps / bucket) <= top."""
    out = [1]
    while bucket_count(steps, out[-1]) > top:
        out.append(out[-1] * fanout)
    return out


def valid_buckets(lengths, bucket):
    """Per batch item, the buckets that hold at least one valid step."""
    return [bucket_count(int(n), bucket) for n in lengths]


def coarsen(fine, steps, bucket, fanout, lengths):
    """The level with bucket*fanout steps per bucket from the level with `bucket` steps per bucket.

    fine: (mean, min, max), each float32 [B, J_fine, U] (level 0: the values three times).
    lengths: valid steps per batch item (int array [B]). Fine means are weighted by their valid steps.
    """
    import numpy as np

    mean, lo, hi = fine
    B, Jf, U = mean.shape
    J = bucket_count(steps, bucket * fanout)
    pad = J * fanout - Jf
    # Valid steps in fine bucket jf of item b: clamp(min((jf+1)*bucket, len) - jf*bucket, 0, bucket).
    starts = np.arange(J * fanout) * bucket
    w = np.clip(np.minimum(starts[None, :] + bucket, lengths[:, None]) - starts[None, :], 0, None).astype(np.float64)  # [B, J*fanout]

    def grouped(a, fill):
        a = a.astype(np.float64)
        if pad:
            a = np.concatenate([a, np.full((B, pad, U), fill)], axis=1)
        return a.reshape(B, J, fanout, U)

    wr = w.reshape(B, J, fanout, 1)
    used = wr > 0
    total = wr.sum(axis=2)  # [B, J, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(used, grouped(mean, 0.0) * wr, 0.0).sum(axis=2)
        out_mean = np.where(total > 0, s / np.where(total > 0, total, 1.0), 0.0)
    out_lo = np.where(used, grouped(lo, np.inf), np.inf).min(axis=2)
    out_hi = np.where(used, grouped(hi, -np.inf), -np.inf).max(axis=2)
    empty = total == 0
    out_lo = np.where(empty, 0.0, out_lo)
    out_hi = np.where(empty, 0.0, out_hi)
    # A NaN in a bucket makes its min and max NaN (np.min/np.max propagate it); the mean is NaN too.
    return out_mean.astype(np.float32), out_lo.astype(np.float32), out_hi.astype(np.float32)


def build_pyramid(values, steps, buckets, fanout, lengths):
    """Every level of a gate: [(mean, min, max)] finest first; level 0 is the values themselves."""
    levels = [(values, values, values)]
    for k in range(1, len(buckets)):
        levels.append(coarsen(levels[-1], steps, buckets[k - 1], fanout, lengths))
    return levels

