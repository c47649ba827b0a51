"""The library's version, in a module that imports nothing so that any module can use it."""

__version__ = "0.2.0"
