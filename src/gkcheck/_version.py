"""The version of gkcheck, in a module of its own so that any module can import it without
importing the package (whose __init__ imports the checker): ``from ._version import __version__``."""

__version__ = "0.1.0"
