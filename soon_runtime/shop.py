"""Server configuration of the demo shop (``scripts/shop``).

Odoo's defaults are for a trusted network: it listens on every interface,
its master password is ``admin`` and the database manager (create, drop,
back up, restore any database) is open.  The demo shop instead gets:

* ``http_interface = 127.0.0.1``: reachable from this machine only, unless
  ``SOON_SHOP_HOST`` says otherwise (``SOON_SHOP_HOST=0.0.0.0`` exposes it on
  purpose);
* a master password generated once, kept in ``.soon/master-password``
  (``.soon/`` is git-ignored, the file is readable by its owner only), stored
  hashed in the configuration file;
* ``list_db = False``: no database manager, no database list.

``python -m soon_runtime.shop <state dir>`` writes ``<state dir>/shop.conf``
and prints its path (``scripts/shop`` passes it to Odoo with ``-c``).
"""

import configparser
import os
import secrets
import sys

#: where the shop listens unless SOON_SHOP_HOST says otherwise
LOCAL_HOST = "127.0.0.1"
PASSWORD_FILE = "master-password"
CONFIG_FILE = "shop.conf"


def _write_private(path, text):
    """Write ``text`` to ``path``, readable and writable by the owner only."""
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def master_password(state_dir):
    """The shop's master password, generated on first use and kept in ``state_dir``."""
    path = os.path.join(state_dir, PASSWORD_FILE)
    try:
        with open(path) as handle:
            password = handle.read().strip()
    except FileNotFoundError:
        password = ""
    if not password:
        os.makedirs(state_dir, exist_ok=True)
        password = secrets.token_urlsafe(18)
        _write_private(path, password + "\n")
    return password


def _password_hash(password, current=None):
    from passlib.context import CryptContext

    # the scheme Odoo 11 uses for the master password (odoo.tools.config.crypt_context)
    context = CryptContext(["pbkdf2_sha512"])
    if current:
        try:
            if context.verify(password, current):
                return current
        except (ValueError, TypeError):
            pass
    return context.hash(password)


def write_config(state_dir, host=None):
    """Write the shop's Odoo configuration file in ``state_dir``; return its path."""
    host = (host or "").strip() or LOCAL_HOST
    password = master_password(state_dir)
    path = os.path.join(state_dir, CONFIG_FILE)
    current = configparser.RawConfigParser()
    current.read(path)
    previous_hash = current.get("options", "admin_passwd", fallback=None)
    config = configparser.RawConfigParser()
    config["options"] = {
        "admin_passwd": _password_hash(password, previous_hash),
        "list_db": "False",
        "http_interface": host,
    }
    lines = ["; written by scripts/shop (soon_runtime/shop.py): edits are overwritten\n"]
    for section in config.sections():
        lines.append("[%s]\n" % section)
        lines.extend("%s = %s\n" % item for item in config.items(section))
    _write_private(path, "".join(lines))
    return path


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        sys.stderr.write("usage: python -m soon_runtime.shop <state dir>\n")
        return 2
    print(write_config(argv[0], os.environ.get("SOON_SHOP_HOST")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
