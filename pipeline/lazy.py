"""pandas and numpy, loaded on first use.

`import pandas` costs about 0.25 s, and a run that finds nothing changed never needs it:
modules take `pd` and `np` from here, and the real import happens the first time an
attribute is read (the standard library's `importlib.util.LazyLoader`).
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """`name` as a module whose import runs when an attribute is first read."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


pd = lazy_module("pandas")
np = lazy_module("numpy")
