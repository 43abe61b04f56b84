"""Where the project's files are."""

import os

#: the project's add-ons (the one list the tests read; setup.py and scripts/ find them on disk)
ADDONS = (
    "soon_ecommerce_orders",
    "soon_delivery_flow",
    "soon_payment_refund",
    "soon_payment_refund_stripe",
    "soon_payment_demo",
    "soon_returns",
    "soon_payment_vietqr",
)


def project_root():
    """The checkout this package runs from (None when installed from a wheel)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if os.path.isfile(os.path.join(root, "setup.py")):
        return root
    return None


def project_addons_dir():
    """Folder holding the project's add-ons when they are not inside odoo/addons."""
    root = project_root()
    if root and all(os.path.isfile(os.path.join(root, a, "__manifest__.py")) for a in ADDONS):
        return root
    return None
