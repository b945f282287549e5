"""In-tree PEP 517 build backend for gatescope: setuptools' own backend, run without downloads.

pip runs a backend in an isolated environment: it removes the interpreter's site-packages from
sys.path and installs the declared build requirements from an index. pyproject.toml declares none,
so nothing is downloaded; this module puts the interpreter's site-packages back (after pip's own
paths, so anything pip did install wins) and hands every hook to setuptools.build_meta. With
Debian's python3 that is python3-setuptools and python3-wheel (or a venv's bundled setuptools).
"""
import importlib.util
import site
import sys


def _interpreter_site_packages():
    paths = []
    try:
        paths += site.getsitepackages()
    except AttributeError:  # virtualenv's old site.py
        pass
    user = getattr(site, "getusersitepackages", lambda: None)()
    if isinstance(user, str):
        paths.append(user)
    return paths


for _p in _interpreter_site_packages():
    if _p not in sys.path:
        sys.path.append(_p)

for _mod, _deb in (("setuptools", "python3-setuptools"), ("wheel", "python3-wheel")):
    if importlib.util.find_spec(_mod) is None:
        raise ImportError(
            f"gatescope: building the package needs {_mod}, which this Python ({sys.executable}) does not have. "
            f"Install it (Debian/Ubuntu: apt-get install {_deb}; elsewhere: pip install {_mod}) and run pip install again."
        )

from setuptools import build_meta as _backend  # noqa: E402

get_requires_for_build_sdist = lambda config_settings=None: []  # noqa: E731
get_requires_for_build_wheel = lambda config_settings=None: []  # noqa: E731
get_requires_for_build_editable = lambda config_settings=None: []  # noqa: E731
prepare_metadata_for_build_wheel = _backend.prepare_metadata_for_build_wheel
build_wheel = _backend.build_wheel
build_sdist = _backend.build_sdist
prepare_metadata_for_build_editable = getattr(_backend, "prepare_metadata_for_build_editable", None)
build_editable = getattr(_backend, "build_editable", None)
if build_editable is None:
    del build_editable, prepare_metadata_for_build_editable
