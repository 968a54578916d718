"""Writing findings out: the concise one-line format and JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from optuna_lint.findings import Finding
from optuna_lint.fixing import fix_is_wanted
from optuna_lint.source import LineIndex

OUTPUT_FORMATS = ("concise", "json")


def fix_marker(finding: Finding, unsafe_fixes: bool) -> str:
    """`[*] ` when `--fix` (with the given unsafe setting) would fix the finding."""
    return "[*] " if fix_is_wanted(finding.fix, unsafe_fixes) else ""


def concise_line(finding: Finding, unsafe_fixes: bool) -> str:
    location = finding.location
    return (
        f"{finding.filename}:{location.row}:{location.column}: {finding.code} "
        f"{fix_marker(finding, unsafe_fixes)}{finding.message}"
    )


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


def json_report(findings: Sequence[Finding], texts: dict[str, str]) -> str:
    """Findings as a JSON list sorted by file, row and column.

    `texts` maps each file name to the text its findings' offsets refer to, for turning fix
    edits into rows and columns.
    """
    line_indexes = {name: LineIndex(text) for name, text in texts.items()}
    items = [
        _json_item(finding, line_indexes.get(finding.filename))
        for finding in sorted(findings, key=Finding.sort_key)
    ]
    return json.dumps(items, indent=2, ensure_ascii=False)


def _json_item(finding: Finding, lines: LineIndex | None) -> dict[str, Any]:
    fix = None
    if finding.fix is not None and lines is not None:
        fix = {
            "applicability": finding.fix.applicability.value,
            "message": finding.fix.message,
            "edits": [
                {
                    "content": edit.content,
                    "location": _location(*lines.location(edit.start_offset)),
                    "end_location": _location(*lines.location(edit.end_offset)),
                }
                for edit in finding.fix.edits
            ],
        }
    return {
        "code": finding.code,
        "name": finding.name,
        "message": finding.message,
        "filename": finding.filename,
        "location": _location(finding.location.row, finding.location.column),
        "end_location": _location(finding.end_location.row, finding.end_location.column),
        "fix": fix,
        "url": None,
    }


def _location(row: int, column: int) -> dict[str, int]:
    return {"row": row, "column": column}
