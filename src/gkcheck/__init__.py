"""gkcheck: pre-publication compliance checks for Chinese government web content (政务公开).

>>> from gkcheck import Checker
>>> checker = Checker()
>>> [f.rule for f in checker.check_text("截止目前，全县已完成")]
['T001']
"""

from ._version import __version__  # the one place it is written; pyproject.toml reads it there

from .checker import Checker  # noqa: E402
from .config import Config, load_config  # noqa: E402
from .model import Document, FileResult, Finding, GkcheckError, Location, Report  # noqa: E402
from .masking import DEFAULT_POLICY, Masked, MaskPolicy, mask_text, mask_value  # noqa: E402,F401

__all__ = ["Checker", "Config", "load_config", "Document", "FileResult", "Finding",
           "GkcheckError", "Location", "Report", "__version__"]
