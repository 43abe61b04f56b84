"""The demo shop's server configuration (scripts/shop, soon_runtime/shop.py): issue 10 finding 12.

Odoo's defaults listen on every interface with the master password ``admin``
and the database manager open.  The configuration scripts/shop writes is read
here with Odoo's own loader, then a real Odoo server is started with it.
"""

import json
import os
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from odoo.tests.common import TransactionCase
from odoo.tools import config

from soon_testing import paths

ROOT = paths.project_root()


def _write_config(state_dir, host=None):
    """Run the config-writing step exactly as scripts/shop does."""
    env = dict(os.environ)
    env.pop("SOON_SHOP_HOST", None)
    if host is not None:
        env["SOON_SHOP_HOST"] = host
    out = subprocess.run(
        [sys.executable, "-m", "soon_runtime.shop", state_dir],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return out.strip()


def _odoo_options(path):
    """The options Odoo's configmanager.load() reads from ``path``."""
    manager = object.__new__(type(config))
    manager.options, manager.misc, manager.rcfile = {}, {}, path
    manager.load()
    return manager


def _listening_addresses(port):
    """Local addresses with a listening TCP socket on ``port`` (from /proc/net/tcp*)."""
    found = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as handle:
                rows = handle.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if fields[3] == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


class TestShopConfig(TransactionCase):
    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory(prefix="soon-shop-")
        self.addCleanup(self.tmp.cleanup)
        self.state = self.tmp.name

    def test_local_only_generated_password_no_database_manager(self):
        path = _write_config(self.state)
        self.assertEqual(path, os.path.join(self.state, "shop.conf"))
        options = _odoo_options(path)
        self.assertEqual(options.options["http_interface"], "127.0.0.1")
        self.assertIs(options.options["list_db"], False)
        with open(os.path.join(self.state, "master-password")) as handle:
            password = handle.read().strip()
        self.assertGreaterEqual(len(password), 20)
        self.assertNotIn(password, open(path).read(), "the configuration keeps a hash, not the password")
        self.assertTrue(options.verify_admin_password(password))
        self.assertFalse(options.verify_admin_password("admin"))
        for name in ("master-password", "shop.conf"):
            mode = stat.S_IMODE(os.stat(os.path.join(self.state, name)).st_mode)
            self.assertEqual(mode, 0o600, name)
        # a second run keeps the password (and the hash that verifies it)
        again = _odoo_options(_write_config(self.state))
        with open(os.path.join(self.state, "master-password")) as handle:
            self.assertEqual(handle.read().strip(), password)
        self.assertTrue(again.verify_admin_password(password))

    def test_exposed_only_on_purpose(self):
        options = _odoo_options(_write_config(self.state, host="0.0.0.0"))
        self.assertEqual(options.options["http_interface"], "0.0.0.0")
        self.assertIs(options.options["list_db"], False)
        self.assertFalse(options.verify_admin_password("admin"))

    def test_shop_script_runs_odoo_with_it(self):
        with open(os.path.join(ROOT, "scripts", "shop")) as handle:
            script = handle.read()
        self.assertIn('CONF="$(python -m soon_runtime.shop "$ROOT/.soon")"', script)
        exec_line = [line for line in script.splitlines() if line.startswith("exec soon-odoo")]
        self.assertEqual(len(exec_line), 1)
        self.assertIn('-c "$CONF"', exec_line[0])
        self.assertNotIn("0.0.0.0", exec_line[0])

    def test_server_with_this_configuration(self):
        """A real Odoo server started with the shop's configuration listens on
        127.0.0.1 only and refuses the database manager's calls."""
        path = _write_config(self.state)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        db = self.env.cr.dbname
        log = open(os.path.join(self.state, "server.log"), "w+b")
        self.addCleanup(log.close)
        server = subprocess.Popen(
            [
                os.path.join(os.path.dirname(sys.executable), "soon-odoo"),
                "-c",
                path,
                "--data-dir",
                os.path.join(self.state, "data"),
                "-d",
                db,
                "--db-filter",
                "^%s$" % db,
                "--http-port",
                str(port),
                "--max-cron-threads",
                "0",
                "--log-level",
                "warn",
            ],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        self.addCleanup(server.wait, 30)
        self.addCleanup(server.terminate)
        deadline = time.time() + 120
        while not _listening_addresses(port):
            if server.poll() is not None:
                log.seek(0)
                self.fail("the server stopped: %s" % log.read()[-2000:].decode(errors="replace"))
            self.assertLess(time.time(), deadline, "the server did not listen within 120 s")
            time.sleep(0.5)
        # 0100007F: 127.0.0.1 in /proc/net/tcp's byte order; no wildcard, no other address
        self.assertEqual(_listening_addresses(port), {"0100007F"})

        def rpc(service, method, *args):
            body = json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {"service": service, "method": method, "args": list(args)},
                }
            )
            request = urllib.request.Request(
                "http://127.0.0.1:%d/jsonrpc" % port, body.encode(), {"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.loads(response.read().decode())

        self.assertIn("result", rpc("db", "server_version"))
        for method, args in (("list", ()), ("dump", ("admin", db, "zip")), ("drop", ("admin", "nothing_here"))):
            with self.subTest(method):
                answer = rpc("db", method, *args)
                self.assertNotIn("result", answer)
                self.assertIn("AccessDenied", json.dumps(answer["error"]))
