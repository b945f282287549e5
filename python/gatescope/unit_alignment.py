"""Unit alignment of two checkpoints (the same method as src/core/compare/unit-alignment.ts): unit u
of a is matched to the unit of b whose h correlates best with it (Pearson over the valid cells), as
the permutation maximising the summed correlation, found by a minimum-cost assignment on -corr.
"""


def min_cost_assignment(cost):
    """Rows to columns of a square cost matrix (list of lists or 2-D array): col[i] for row i,
    minimising sum cost[i][col[i]]. The O(n^3) shortest-augmenting-path Hungarian method with dual
    potentials (Kuhn 1955, Munkres 1957; Edmonds & Karp 1972)."""
    import numpy as np

    c = np.asarray(cost, dtype=np.float64)
    n = c.shape[0]
    if c.shape != (n, n):
        raise ValueError(f"min_cost_assignment: expected a square matrix, got shape {c.shape}")
    if not np.all(np.isfinite(c)):
        raise ValueError("min_cost_assignment: costs must be finite")
    inf = float("inf")
    u = np.zeros(n + 1)
    v = np.zeros(n + 1)
    row_of = np.zeros(n + 1, dtype=np.int64)  # row_of[j]: row matched to column j (1-based; 0 none)
    prev = np.zeros(n + 1, dtype=np.int64)
    for i in range(1, n + 1):
        row_of[0] = i
        j0 = 0
        min_slack = np.full(n + 1, inf)
        used = np.zeros(n + 1, dtype=bool)
        while True:
            used[j0] = True
            i0 = row_of[j0]
            # Slack of every unused column against row i0, vectorised over columns 1..n.
            slack = c[i0 - 1] - u[i0] - v[1:]
            free = ~used[1:]
            better = free & (slack < min_slack[1:])
            min_slack[1:][better] = slack[better]
            prev[1:][better] = j0
            cand = np.where(free, min_slack[1:], inf)
            j1 = int(np.argmin(cand)) + 1
            delta = cand[j1 - 1]
            u[row_of[used]] += delta
            v[used] -= delta
            min_slack[~used] -= delta
            j0 = j1
            if row_of[j0] == 0:
                break
        while j0:
            j1 = prev[j0]
            row_of[j0] = row_of[j1]
            j0 = j1
    col = np.zeros(n, dtype=np.int64)
    for j in range(1, n + 1):
        col[row_of[j] - 1] = j - 1
    return col


def unit_correlation(a, b, lengths=None):
    """Pearson correlation [U, U] of every unit of a ([B, T, U]) with every unit of b over the valid
    cells; a unit constant there correlates 0 with everything."""
    import numpy as np

    B, T, U = a.shape
    lens = np.full(B, T) if lengths is None else np.asarray(lengths)
    valid = np.arange(T)[None, :] < lens[:, None]
    xa = np.asarray(a, dtype=np.float64)[valid]  # [cells, U]
    xb = np.asarray(b, dtype=np.float64)[valid]

    def norm(x):
        x = x - x.mean(axis=0)
        s = np.sqrt((x * x).sum(axis=0))
        ok = (s > 0) & np.isfinite(s)
        return np.where(ok, x / np.where(ok, s, 1), 0.0)

    return norm(xa).T @ norm(xb)


def align_units(a, b, lengths=None):
    """The permutation p showing b's unit p[u] at a's unit u (maximising sum corr[u, p[u]])."""
    return [int(j) for j in min_cost_assignment(-unit_correlation(a, b, lengths))]
