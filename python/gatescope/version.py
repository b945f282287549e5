"""The package version: the VS Code extension's (package.json). An installed package has it in
_version.py, written by setup.py at build time; a source checkout reads ../../package.json."""
import json
import os

try:
    from ._version import __version__
except ImportError:
    try:
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "package.json"), encoding="utf-8") as _fh:
            __version__ = json.load(_fh)["version"]
    except (OSError, ValueError, KeyError):
        __version__ = "0+unknown"
