"""The one exception gatescope raises for bad input."""


class TraceError(ValueError):
    """Bad input to trace() or show(): the message says what was wrong and what to do."""
