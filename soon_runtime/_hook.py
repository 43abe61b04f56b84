"""Import hooks: run a function just before or just after a module is imported.

The runtime fixes Odoo 11 without editing site-packages, so every fix is
attached to the import of the module it repairs.  A *before* hook runs when
the module is about to be executed (used to prepare the standard library
before ``odoo`` starts importing it); an *after* hook runs once the module
body has executed, before the importer gets it back.
"""

import importlib.abc
import importlib.util
import sys
import threading

_before = {}
_after = {}
_lock = threading.RLock()


def when_imported(name, func):
    """Call ``func(module)`` once ``name`` is imported (now if it already is)."""
    with _lock:
        module = sys.modules.get(name)
        if module is not None and not _is_initialising(module):
            func(module)
        else:
            _after.setdefault(name, []).append(func)
            _install()


def before_import(name, func):
    """Call ``func()`` right before ``name`` is executed (now if already imported)."""
    with _lock:
        if name in sys.modules:
            func()
        else:
            _before.setdefault(name, []).append(func)
            _install()


def _is_initialising(module):
    spec = getattr(module, "__spec__", None)
    return bool(spec and getattr(spec, "_initializing", False))


class _LoaderProxy(importlib.abc.Loader):
    """Delegates to the real loader and runs the after-hooks of one module."""

    def __init__(self, loader, name):
        self._loader = loader
        self._name = name

    def __getattr__(self, attr):
        return getattr(self._loader, attr)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        # restore the real loader so introspection (pkgutil, importlib.resources,
        # Jinja's PackageLoader) sees the usual class
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        self._loader.exec_module(module)
        with _lock:
            funcs = _after.pop(self._name, [])
        for func in funcs:
            func(module)


class _Finder(importlib.abc.MetaPathFinder):
    """Meta-path finder that only intercepts the modules that have hooks."""

    def find_spec(self, fullname, path=None, target=None):
        with _lock:
            if fullname not in _before and fullname not in _after:
                return None
            befores = _before.pop(fullname, [])
        for func in befores:
            func()
        if fullname not in _after:
            return None
        spec = self._find_real_spec(fullname, path, target)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = _LoaderProxy(spec.loader, fullname)
        return spec

    def _find_real_spec(self, fullname, path, target):
        for finder in sys.meta_path:
            if finder is self or isinstance(finder, _Finder):
                continue
            find_spec = getattr(finder, "find_spec", None)
            if find_spec is None:
                continue
            spec = find_spec(fullname, path, target)
            if spec is not None:
                return spec
        return None


_finder = None


def _install():
    global _finder
    if _finder is None:
        _finder = _Finder()
        sys.meta_path.insert(0, _finder)
