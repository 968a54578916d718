"""OPL001: the file cannot be parsed."""

from __future__ import annotations

from optuna_lint.findings import Finding, Location, Span
from optuna_lint.rules.base import Rule


class SyntaxErrorRule(Rule):
    """## What it does
    Reports a file that cannot be decoded or parsed as Python, with the parser's reason.

    ## Why is this bad?
    A file that does not parse cannot be checked, so its mistakes would go unnoticed. The
    other files of the run are still linted.

    ## Known problems
    The linter parses the syntax of every Python 3 version, whatever the Python running it, so a
    file is only reported when no Python 3 version accepts it. A file whose text has none of
    the words Optuna code needs (`optuna`, `trial`, `pruner`, `study`, a call of `optimize`,
    and a few more, in any case) is not parsed unless the trial or an `optimize` call leads to
    it, so its syntax errors are left to the other tools that check it.

    ## Example
    ```python
    def objective(trial)
        return trial.suggest_float("x", 0, 1)
    ```

    ## Use instead
    ```python
    def objective(trial):
        return trial.suggest_float("x", 0, 1)
    ```

    ## Fix safety
    There is no fix.
    """

    code = "OPL001"
    name = "syntax-error"
    summary = "the file cannot be decoded or parsed; the other files are still linted"
    fix_summary = "none"

    def finding(self, filename: str, reason: str, row: int, column: int) -> Finding:
        location = Location(row, column)
        return Finding(
            code=self.code,
            name=self.name,
            message=f"Cannot parse the file: {reason}",
            filename=filename,
            span=Span(0, 0, location, location),
            always_reported=True,
        )
