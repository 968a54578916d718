"""Writing findings out: the registry of output formats, the one call that renders a run in any
of them, and the summary line.

The formats themselves live by audience: `text_reports` (concise, full, pylint: people and
editors), `json_reports` (json, json-lines: programs) and `ci_reports` (sarif, github, gitlab,
junit: CI services).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from optuna_lint.ci_reports import github_report, gitlab_report, junit_report, sarif_report
from optuna_lint.findings import Finding, TextKey
from optuna_lint.json_reports import json_lines_report, json_report
from optuna_lint.text_reports import (
    concise_line,
    concise_report,
    fix_marker,
    full_report,
    pylint_report,
)

# A format reads what it needs of (findings, texts, unsafe_fixes, colour).
Formatter = Callable[[Sequence[Finding], Mapping[TextKey, str], bool, bool], str]

FORMATTERS: dict[str, Formatter] = {
    "concise": lambda findings, texts, unsafe, colour: concise_report(findings, unsafe, colour),
    "full": full_report,
    "json": lambda findings, texts, unsafe, colour: json_report(findings, texts) + "\n",
    "json-lines": lambda findings, texts, unsafe, colour: json_lines_report(findings, texts),
    "sarif": lambda findings, texts, unsafe, colour: sarif_report(findings, texts),
    "github": lambda findings, texts, unsafe, colour: github_report(findings),
    "gitlab": lambda findings, texts, unsafe, colour: gitlab_report(findings, texts),
    "junit": lambda findings, texts, unsafe, colour: junit_report(findings, texts),
    "pylint": lambda findings, texts, unsafe, colour: pylint_report(findings),
}
OUTPUT_FORMATS = tuple(FORMATTERS)
# The formats a person reads, which the summary line follows (`summary_line`); the others are
# read by programs and must hold nothing else.
SUMMARY_FORMATS = frozenset({"concise", "full"})


def render(
    findings: Sequence[Finding],
    output_format: str,
    texts: Mapping[TextKey, str],
    unsafe_fixes: bool,
    colour: bool = False,
) -> str:
    """The whole output of a run in `output_format`, ready to be written as it is.

    Findings are sorted by file, row, column and code first, so every format lists them in the
    same order. `texts` maps the file name of every linted file to its text, and each notebook
    cell, as `(file name, cell number)`, to the cell's text (`Finding.text_key`): the full
    format shows lines from it, fixes are placed in rows and columns with it, and the JUnit
    report counts the files. Every line ends with a newline; a format with nothing to say (concise,
    full, json-lines, github, pylint on a clean run) gives the empty string. `colour` wraps the
    concise and full formats in ANSI colours; the others never have any.
    """
    ordered = sorted(findings, key=Finding.sort_key)
    return FORMATTERS[output_format](ordered, texts, unsafe_fixes, colour)


def summary_line(findings: Sequence[Finding], fixed: int, unsafe_fixes: bool) -> str:
    """What a run found and what `--fix` / `--unsafe-fixes` would do about it."""
    if not findings:
        if fixed:
            return f"Found {_count(fixed)} ({fixed} fixed, 0 remaining)."
        return "All checks passed!"
    safe = sum(1 for f in findings if f.fix is not None and f.fix.applicability.value == "safe")
    unsafe = sum(1 for f in findings if f.fix is not None and f.fix.applicability.value == "unsafe")
    total = len(findings) + fixed
    head = f"Found {_count(total)}"
    if fixed:
        head += f" ({fixed} fixed, {len(findings)} remaining)"
    parts = []
    fixable_now = safe + (unsafe if unsafe_fixes else 0)
    if fixable_now:
        parts.append(f"{fixable_now} fixable with --fix")
    if unsafe and not unsafe_fixes:
        parts.append(f"{unsafe} more with --fix --unsafe-fixes")
    return head + (": " + ", ".join(parts) if parts else "") + "."


def _count(number: int) -> str:
    return f"{number} finding" + ("" if number == 1 else "s")


__all__ = [
    "FORMATTERS",
    "OUTPUT_FORMATS",
    "SUMMARY_FORMATS",
    "concise_line",
    "fix_marker",
    "json_report",
    "render",
    "summary_line",
]
