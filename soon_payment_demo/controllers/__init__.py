# ruff: noqa: F401
from . import main
