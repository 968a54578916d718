"""optuna-lint: finds and fixes Optuna objectives whose pruning cannot work."""

from optuna_lint.api import FixedSource, fix_source, lint_paths, lint_source
from optuna_lint.findings import Applicability, Edit, Finding, Fix, Location, Span
from optuna_lint.settings import Settings

__version__ = "0.1.0"

__all__ = [
    "Applicability",
    "Edit",
    "Finding",
    "Fix",
    "FixedSource",
    "Location",
    "Settings",
    "Span",
    "__version__",
    "fix_source",
    "lint_paths",
    "lint_source",
]
