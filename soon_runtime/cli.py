"""``soon-odoo``: Odoo 11's command line with the runtime fixes applied.

Same sub-commands and options as ``odoo-bin`` (server by default,
``shell``, ``scaffold`` ...); the project's add-ons are on the addons path.
"""

import sys

import soon_runtime


def main(argv=None):
    soon_runtime.install()
    from odoo.cli.command import main as odoo_main

    if argv is not None:
        sys.argv = [sys.argv[0]] + list(argv)
    odoo_main()


if __name__ == "__main__":
    main()
