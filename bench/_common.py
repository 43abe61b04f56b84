"""The command line every bench script shares.

Each script builds its parser with :func:`make_parser`, which adds

* ``--db NAME``: the benchmark database (a default per script, or required);
  ``-d`` / ``--database`` are still read where a script had them, as
  deprecated aliases (a warning on stderr);
* ``--json FILE``: also write the printed figures to FILE, as JSON
  (:func:`write_json`).

and the preamble that gives a script its database: :func:`db_exists`,
:func:`prepare_database` (creates the database and installs the modules,
without demo data, the first time), :func:`odoo_data_dir`, :func:`sh`.

The scripts are run as ``.venv/bin/python bench/<script>.py``, so this module
is imported as ``_common`` (the script's folder is first on ``sys.path``).
"""

import argparse
import decimal
import json
import math
import os
import subprocess
import sys

#: the project's root (bench/..)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

DEPRECATED_DB_ALIASES = ("-d", "--database")


class _DeprecatedDbAlias(argparse.Action):
    """Stores into ``db`` like ``--db``, with a warning."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(
            "%s: warning: %s is deprecated, use --db" % (parser.prog, option_string),
            file=sys.stderr,
        )
        setattr(namespace, self.dest, values)


class _Parser(argparse.ArgumentParser):
    """Checks a required ``--db`` itself, so that a deprecated alias counts."""

    db_required = False

    def parse_known_args(self, args=None, namespace=None):
        namespace, rest = super().parse_known_args(args, namespace)
        if self.db_required and namespace.db is None:
            self.error("the following arguments are required: --db")
        return namespace, rest


def make_parser(description, db_default=None, db_aliases=False, **kwargs):
    """An ``ArgumentParser`` with the shared options.

    ``db_default``: the database used without ``--db`` (``None``: ``--db`` is
    required). ``db_aliases``: also accept the deprecated ``-d`` /
    ``--database``. Further keyword arguments go to ``ArgumentParser``.
    """
    parser = _Parser(description=description, **kwargs)
    parser.db_required = db_default is None
    shared = parser.add_argument_group("shared by the bench scripts")
    db_help = "benchmark database (default: %s)" % db_default if db_default else "benchmark database (required)"
    if db_aliases:
        db_help += "; -d/--database: deprecated aliases"
    shared.add_argument("--db", metavar="NAME", default=db_default, help=db_help)
    if db_aliases:
        for alias in DEPRECATED_DB_ALIASES:
            shared.add_argument(alias, dest="db", metavar="NAME", action=_DeprecatedDbAlias, help=argparse.SUPPRESS)
    shared.add_argument("--json", metavar="FILE", help="also write the printed figures to FILE, as JSON")
    return parser


def _plain(value):
    """JSON-ready: string keys, decimals as floats, NaN and infinities as null, sets as sorted lists."""
    if isinstance(value, dict):
        return {
            (key if isinstance(key, str) else json.dumps(key) if isinstance(key, bool) else str(key)): _plain(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted(_plain(item) for item in value)
    if isinstance(value, decimal.Decimal):  # PostgreSQL numeric sums
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_json(path, figures):
    """Write ``figures`` (a dict) to ``path``; nothing when ``path`` is empty."""
    if not path:
        return
    with open(path, "w") as out:
        json.dump(_plain(figures), out, indent=2, sort_keys=True, default=str, allow_nan=False)
        out.write("\n")


def sh(*args, **kw):
    """Run a command; raise when it fails."""
    return subprocess.run(args, check=True, **kw)


def odoo_data_dir():
    """Odoo's data directory of the development install (filestore, sessions)."""
    return os.path.join(ROOT, ".soon", "data")


def db_exists(name):
    """Whether PostgreSQL has a database called ``name``."""
    out = subprocess.run(
        ["psql", "-Atq", "-v", "name=%s" % name, "postgres"],
        input="select 1 from pg_database where datname = :'name'\n",
        capture_output=True,
        text=True,
    ).stdout
    return out.strip() == "1"


def prepare_database(db, modules, odoo_args=None):
    """Create ``db`` with ``modules`` installed, without demo data, unless it
    exists. ``odoo_args``: Odoo's options (default: the development install's
    data directory and ``-d db``). Returns True when it was created."""
    if db_exists(db):
        return False
    print("[bench] installing %s into %s (first run only)..." % (modules, db), file=sys.stderr, flush=True)
    sh("createdb", db)
    sh(
        os.path.join(ROOT, ".venv", "bin", "soon-odoo"),
        *(odoo_args or ["--data-dir=" + odoo_data_dir(), "-d", db]),
        "-i",
        modules,
        "--without-demo=all",
        "--stop-after-init",
        "--log-level=warn",
    )
    return True
