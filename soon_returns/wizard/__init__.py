# ruff: noqa: F401
from . import return_request_reject
