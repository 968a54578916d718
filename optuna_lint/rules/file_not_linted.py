"""OPL002: the file was not linted."""

from __future__ import annotations

from optuna_lint.findings import FILE_START, Finding
from optuna_lint.rules.base import Rule


class FileNotLintedRule(Rule):
    """## What it does
    Reports a file that was not linted: it cannot be read (permissions, a broken link), it is
    larger than the size limit, or it nests brackets or chains operators so deeply that the
    parser could crash on it. The message says which.

    ## Why is this bad?
    The file may hold mistakes that no one sees. Reporting it keeps the run honest: a clean
    result means every file was checked.

    ## Known problems
    Deeply nested or very long expressions are measured with Python's tokenizer, before any
    parsing; the limits (100 nested brackets, 200 chained operators in one expression) are far
    above what hand-written code uses.

    ## Example
    A generated data module holding a 5,000-term sum on one line.

    ## Use instead
    Exclude generated files from the run, or split the expression.

    ## Fix safety
    There is no fix.
    """

    code = "OPL002"
    name = "file-not-linted"
    summary = (
        "the file cannot be read, is not a regular file, is larger than `--max-file-size`, or "
        "nests brackets / chains operators too deeply for the parser to be safe"
    )
    fix_summary = "none"

    def finding(self, filename: str, reason: str) -> Finding:
        return Finding(
            code=self.code,
            name=self.name,
            message=f"File not linted: {reason}",
            filename=filename,
            span=FILE_START,
            always_reported=True,
        )
