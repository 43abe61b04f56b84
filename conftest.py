"""pytest configuration shared by the whole suite (runs under pytest-odoo).

pytest-odoo's own HTTP fixture is written for Odoo 15+: on Odoo 11 it calls
``odoo.service.server.start(stop=True)``, which starts the HTTP thread and
immediately stops it again (and shuts logging down).  ``load_http`` below
replaces it: one threaded Odoo HTTP server for the whole session on the
port of the test configuration, the same server Odoo's own ``--test-enable``
runs start, so ``HttpCase.url_open`` and browser tests reach the test
database.

``soon_testing`` (the test tooling: Chromium behind ``HttpCase.phantom_js``,
the checkout's add-ons on the addons path) is imported here as well as by
``soon_runtime.pth``, so a pytest run registers its fixes even where the
development install's start-up hook is missing.
"""

import socket
import threading
import time

import pytest

import soon_testing  # noqa: F401  (registers the test tooling's fixes)


def _wait_listening(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("Odoo HTTP server did not start on port %s" % port)


@pytest.fixture(scope="session", autouse=True)
def load_http(request, load_registry):
    if not request.config.getoption("--odoo-http"):
        yield
        return
    import odoo.service.server
    import odoo.service.wsgi_server
    import odoo.tests.common as common

    port = int(odoo.tools.config["http_port"])
    common.PORT = port
    server = odoo.service.server.ThreadedServer(odoo.service.wsgi_server.application)
    server.interface, server.port = "127.0.0.1", port
    thread = threading.Thread(target=server.http_thread, name="odoo.service.httpd", daemon=True)
    thread.start()
    _wait_listening(port)
    odoo.service.server.server = server
    yield
    server.httpd.shutdown()
    server.httpd.server_close()
