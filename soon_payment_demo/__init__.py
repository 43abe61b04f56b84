# ruff: noqa: F401
from . import controllers, models
from .hooks import pre_init_hook
