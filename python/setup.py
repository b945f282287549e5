"""setuptools hooks of the gatescope package: the version is the VS Code extension's, read from
../package.json at build time (from PKG-INFO when building from an sdist, which has no package.json),
and written into the built package as gatescope/_version.py."""
import json
import os
import re

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


def extension_version():
    package_json = os.path.join(HERE, "..", "package.json")
    if os.path.exists(package_json):
        with open(package_json, encoding="utf-8") as fh:
            return json.load(fh)["version"]
    pkg_info = os.path.join(HERE, "PKG-INFO")
    if os.path.exists(pkg_info):
        with open(pkg_info, encoding="utf-8") as fh:
            m = re.search(r"^Version: (\S+)$", fh.read(), re.M)
        if m:
            return m.group(1)
    raise RuntimeError("gatescope: cannot find the version: build from the Gatescope repository (python/ next to package.json) or from its sdist")


VERSION = extension_version()


class BuildPyWithVersion(build_py):
    def run(self):
        super().run()
        if not self.dry_run:
            target = os.path.join(self.build_lib, "gatescope", "_version.py")
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(f'"""Written by setup.py from the extension\'s package.json."""\n__version__ = "{VERSION}"\n')


setup(version=VERSION, cmdclass={"build_py": BuildPyWithVersion})
