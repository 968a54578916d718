"""The projects the linted files belong to: their roots, their other files, and which of
those must be analysed even though no one named them.

A project is the tree under the nearest folder holding a `pyproject.toml` or `.git`; a file
outside any such tree belongs to the folder named on the command line, or to its own folder.
Findings are reported for the named files only, but the trial is followed into the project's
other modules, and a study in another module may run a named file's objective.
"""

from __future__ import annotations

import re
from pathlib import Path

from optuna_lint.discovery import absolute_path

PROJECT_MARKERS = ("pyproject.toml", ".git")


def project_root(path: Path, named: Path | None = None) -> Path:
    """The root of the project `path` belongs to. `named` is the directory the user named
    that holds it, used when no marker is found."""
    path = absolute_path(path)
    start = path if path.is_dir() else path.parent
    for directory in (start, *start.parents):
        if any((directory / marker).exists() for marker in PROJECT_MARKERS):
            return directory
    return absolute_path(named) if named is not None else start


# A call of a method named `optimize` (or of `create_study`, for rules that compare the
# studies of a project by name), allowing the spacing and line continuations Python
# allows between the name and its parenthesis.
_OPTIMIZE_CALL = re.compile(r"\b(?:optimize|create_study)[\s\\]*\(")
# A parameter annotation whose last dotted part is `Trial` (`trial: optuna.Trial`,
# `t: "Trial"`, `t: (ot.Trial)`), or an import binding `Trial` under another name.
_TRIAL_ANNOTATION = re.compile(r":[\s(\\'\"]*(?:\w+\s*\.\s*)*Trial\b|\bTrial\s+as\b")


def may_run_trials(text: str) -> bool:
    """Whether a file can hold what makes a function receive a trial from Optuna itself: an
    `optimize` call, or a parameter annotated as a trial; or a study created with a name.

    Every other file matters only when the trial is followed into it, and is loaded then. So
    the findings for a file do not depend on which other files of its project were named. The
    test is a superset of what the analysis recognises: it may keep files that turn out to
    hold neither, never the reverse.
    """
    # The substring tests first: they rule out most files at a fraction of the cost of the
    # expressions, whose dotted-name part backtracks at every colon of a long file.
    if ("optimize" in text or "create_study" in text) and _OPTIMIZE_CALL.search(text):
        return True
    return "Trial" in text and _TRIAL_ANNOTATION.search(text) is not None
