"""The demo task, shared by train_demo.py and find_units.py.

Strings over VOCAB; targets per character: bracket depth after the character (clipped to
MAX_DEPTH, brackets inside double quotes ignored, a ')' at depth 0 ignored) and in-quote (1 from an
opening quote up to, not including, the closing quote).
"""

VOCAB = ['(', ')', '"', 'a', 'b', 'c', ' ']
INDEX = {c: i for i, c in enumerate(VOCAB)}
MAX_DEPTH = 4


def targets(text):
    """Returns (depth list, in-quote list) for text, one entry per character."""
    depth, quote = 0, False
    ds, qs = [], []
    for ch in text:
        if ch == '"':
            quote = not quote
            qs.append(1 if quote else 0)
        else:
            if not quote:
                if ch == '(' and depth < MAX_DEPTH:
                    depth += 1
                elif ch == ')' and depth > 0:
                    depth -= 1
            qs.append(1 if quote else 0)
        ds.append(depth)
    return ds, qs


def generate(rng, length):
    """A random string of `length` characters whose brackets mostly nest (depth 0..MAX_DEPTH)."""
    out, depth, quote = [], 0, False
    for _ in range(length):
        u = rng.random()
        if quote:
            ch = '"' if u < 0.2 else rng.choice('abc ()')
        elif u < 0.25 and depth < MAX_DEPTH:
            ch = '('
        elif u < 0.45 and depth > 0:
            ch = ')'
        elif u < 0.52:
            ch = '"'
        else:
            ch = rng.choice('abc ')
        if ch == '"':
            quote = not quote
        elif not quote:
            depth += 1 if ch == '(' else -1 if ch == ')' else 0
        out.append(ch)
    text = ''.join(out)
    ds, qs = targets(text)
    return text, ds, qs


def encode(text):
    return [INDEX[c] for c in text]
