"""Findings as JSON for programs: one list (`json`) or one object per line (`json-lines`).

Both carry the same items, sorted by file, row and column, each with its rule's page in `url`.
As in ruff, a finding in a notebook has the notebook's path as `filename`, its cell's number in
`cell` (null elsewhere), and rows counted from the cell's first line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from optuna_lint.findings import Finding, TextKey
from optuna_lint.rule_docs import rule_url
from optuna_lint.source import LineIndex


def json_report(findings: Sequence[Finding], texts: Mapping[TextKey, str]) -> str:
    """Findings as a JSON list sorted by file, row and column.

    `texts` maps each file name to the text its findings' offsets refer to, for turning fix
    edits into rows and columns.
    """
    return json.dumps(json_items(findings, texts), indent=2, ensure_ascii=False)


def json_lines_report(findings: Sequence[Finding], texts: Mapping[TextKey, str]) -> str:
    """The items of `json_report`, one compact JSON object per line."""
    return "".join(
        json.dumps(item, ensure_ascii=False) + "\n" for item in json_items(findings, texts)
    )


def json_items(findings: Sequence[Finding], texts: Mapping[TextKey, str]) -> list[dict[str, Any]]:
    """One JSON-ready dictionary per finding, sorted by file, row and column."""
    line_indexes = {name: LineIndex(text) for name, text in texts.items()}
    return [
        _json_item(finding, line_indexes.get(finding.text_key))
        for finding in sorted(findings, key=Finding.sort_key)
    ]


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
        "cell": finding.cell,
        "location": _location(finding.location.row, finding.location.column),
        "end_location": _location(finding.end_location.row, finding.end_location.column),
        "fix": fix,
        "url": rule_url(finding.code),
    }


def _location(row: int, column: int) -> dict[str, int]:
    return {"row": row, "column": column}
