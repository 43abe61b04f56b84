# ruff: noqa: F401
from . import controllers, models, wizard
