"""Findings in the formats CI services read: SARIF (GitHub code scanning and other SARIF
viewers), GitHub workflow annotations, GitLab Code Quality, and JUnit XML.

A file that could not be linted (OPL001, OPL002) is an error: nothing in it was checked. Every
other finding is a warning, in the formats that tell the two apart.

A finding in a notebook names the notebook file itself, with rows counted from the first line of
its cell, and says which cell: SARIF in the result's `properties.cell` (and without the fix,
whose edits are in the cell's source), JUnit in the test case's name, GitHub and GitLab at the
start of the message (`cell 3: ...`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree

from optuna_lint import __version__
from optuna_lint.findings import Finding, TextKey, message_with_cell
from optuna_lint.rule_docs import PROJECT_URL, page_section, rule_page, rule_url
from optuna_lint.rules import ALL_RULES, FILE_NOT_LINTED, SYNTAX_ERROR, Rule
from optuna_lint.source import LineIndex
from optuna_lint.text_reports import source_lines

TOOL_NAME = "optuna-lint"
ERROR_CODES = frozenset({SYNTAX_ERROR.code, FILE_NOT_LINTED.code})
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LINE_BREAK_IN_PARAGRAPH = re.compile(r"(?<!\n)\n(?!\n)")
# XML 1.0 cannot hold these characters at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def sarif_level(code: str) -> str:
    """`error` for a file that was not checked, `warning` for a rule's finding."""
    return "error" if code in ERROR_CODES else "warning"


def artifact_path(filename: str) -> str:
    """The finding's file name with forward slashes, as CI services expect on every system."""
    return filename.replace(os.sep, "/")


# --- SARIF 2.1.0 -------------------------------------------------------------------------------


def sarif_report(findings: Sequence[Finding], texts: Mapping[TextKey, str]) -> str:
    """One SARIF 2.1.0 log with one run: the tool with every rule's metadata, and the findings
    as results, with their fixes (safe and unsafe, marked in the fix's properties).

    Columns are counted in Unicode code points, which the run states in `columnKind`.
    """
    rule_indexes = {rule.code: index for index, rule in enumerate(ALL_RULES)}
    line_indexes = {name: LineIndex(text) for name, text in texts.items()}
    run = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": __version__,
                "informationUri": PROJECT_URL,
                "rules": [_sarif_rule(rule) for rule in ALL_RULES],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [
            _sarif_result(
                finding, rule_indexes.get(finding.code), line_indexes.get(finding.text_key)
            )
            for finding in findings
        ],
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    # Viewers wrap plain text themselves; the docstring's line breaks would only cut sentences.
    what_it_does = _LINE_BREAK_IN_PARAGRAPH.sub(" ", page_section(rule, "What it does"))
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": what_it_does},
        "help": {"text": what_it_does, "markdown": rule_page(rule)},
        "helpUri": rule_url(rule.code),
        "defaultConfiguration": {"level": sarif_level(rule.code)},
    }


def _sarif_result(
    finding: Finding, rule_index: int | None, lines: LineIndex | None
) -> dict[str, Any]:
    uri = _artifact_uri(finding.filename)
    start, end = finding.location, finding.end_location
    result: dict[str, Any] = {"ruleId": finding.code}
    if rule_index is not None:
        result["ruleIndex"] = rule_index
    result["level"] = sarif_level(finding.code)
    result["message"] = {"text": finding.message}
    result["locations"] = [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": uri},
                "region": _region(start.row, start.column, end.row, end.column),
            }
        }
    ]
    if finding.cell is not None:
        result["properties"] = {"cell": finding.cell}
    # Fix edits are offsets into the text; without the text they cannot be placed. In a
    # notebook they are placed in the cell's source, not in the file the result names, which a
    # tool applying them would corrupt: they are left out.
    if finding.fix is not None and lines is not None and finding.cell is None:
        replacements = [
            {
                "deletedRegion": _region(
                    *lines.location(edit.start_offset), *lines.location(edit.end_offset)
                ),
                "insertedContent": {"text": edit.content},
            }
            for edit in finding.fix.edits
        ]
        result["fixes"] = [
            {
                "description": {"text": finding.fix.message},
                "artifactChanges": [
                    {"artifactLocation": {"uri": uri}, "replacements": replacements}
                ],
                "properties": {"applicability": finding.fix.applicability.value},
            }
        ]
    return result


def _region(start_row: int, start_column: int, end_row: int, end_column: int) -> dict[str, int]:
    # SARIF's endColumn is the column after the region, as the findings' end columns are.
    return {
        "startLine": start_row,
        "startColumn": start_column,
        "endLine": end_row,
        "endColumn": end_column,
    }


def _artifact_uri(filename: str) -> str:
    if PurePath(filename).is_absolute():
        return PurePath(filename).as_uri()
    return quote(artifact_path(filename), safe="/")


# --- GitHub workflow commands ------------------------------------------------------------------


def github_report(findings: Sequence[Finding]) -> str:
    """One `::error` workflow command per finding; GitHub shows each as an annotation on the
    line in the pull request. Every finding fails the check, so all are errors there."""
    lines = []
    for finding in findings:
        start, end = finding.location, finding.end_location
        properties = {
            "title": f"{TOOL_NAME} ({finding.code})",
            "file": artifact_path(finding.filename),
            "line": start.row,
            "col": start.column,
            "endLine": end.row,
            "endColumn": end.column,
        }
        listed = ",".join(
            f"{key}={_github_property(str(value))}" for key, value in properties.items()
        )
        message = f"{finding.code} {message_with_cell(finding)}"
        lines.append(f"::error {listed}::{_github_data(message)}\n")
    return "".join(lines)


def _github_data(text: str) -> str:
    # The runner reads a command up to the end of its line, and decodes these three.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    # In the properties `:` would end the list and `,` the property.
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


# --- GitLab Code Quality -----------------------------------------------------------------------


def gitlab_report(findings: Sequence[Finding], texts: Mapping[TextKey, str]) -> str:
    """A GitLab Code Quality report: a JSON list of issues, which GitLab shows in merge requests.

    Each issue's fingerprint hashes its file, code, message and the text of its line (not the
    line's number, nor a notebook cell's), so an issue keeps its fingerprint when lines or cells
    above it are added or removed; identical findings on identical lines are told apart by their
    order.
    """
    file_lines = {name: source_lines(text) for name, text in texts.items()}
    occurrences: Counter[tuple[str, ...]] = Counter()
    issues = []
    for finding in findings:
        path = artifact_path(finding.filename)
        lines = file_lines.get(finding.text_key, [])
        row = finding.location.row
        line_text = lines[row - 1].strip() if 1 <= row <= len(lines) else ""
        identity = (path, finding.code, finding.message, line_text)
        occurrence = occurrences[identity]
        occurrences[identity] += 1
        issues.append(
            {
                "description": f"{finding.code} {message_with_cell(finding)}",
                "check_name": finding.code,
                "fingerprint": _fingerprint(*identity, str(occurrence)),
                "severity": "blocker" if finding.code in ERROR_CODES else "major",
                "location": {
                    "path": path,
                    "lines": {"begin": row, "end": finding.end_location.row},
                },
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


# --- JUnit XML ---------------------------------------------------------------------------------


def junit_report(findings: Sequence[Finding], texts: Mapping[TextKey, str]) -> str:
    """A JUnit XML report: one test suite, `optuna-lint`, in which every finding is a failed
    test case and every linted file without findings one passed test case.

    CI servers count and list test cases, so a clean run of ten files reads "10 passed" rather
    than an empty report, which some servers treat as a failure of its own. The linted files are
    the file names among the keys of `texts` (the others are notebook cells); the test case's
    class name is the file, as in the servers' grouping.
    """
    findings_by_file: dict[str, list[Finding]] = {
        name: [] for name in texts if isinstance(name, str)
    }
    for finding in findings:
        findings_by_file.setdefault(finding.filename, []).append(finding)
    tests = sum(max(1, len(file_findings)) for file_findings in findings_by_file.values())
    counts = {"tests": str(tests), "failures": str(len(findings)), "errors": "0"}

    root = ElementTree.Element("testsuites", {"name": TOOL_NAME, **counts})
    suite = ElementTree.SubElement(root, "testsuite", {"name": TOOL_NAME, **counts, "skipped": "0"})
    for filename in sorted(findings_by_file):
        file_findings = findings_by_file[filename]
        if not file_findings:
            ElementTree.SubElement(
                suite, "testcase", {"classname": _xml(filename), "name": "no findings"}
            )
        for finding in file_findings:
            start = finding.location
            in_cell = "" if finding.cell is None else f"cell {finding.cell}:"
            case = ElementTree.SubElement(
                suite,
                "testcase",
                {
                    "classname": _xml(filename),
                    "name": f"{finding.code} at {in_cell}{start.row}:{start.column}",
                    "file": _xml(artifact_path(filename)),
                    "line": str(start.row),
                },
            )
            failure = ElementTree.SubElement(
                case, "failure", {"message": _xml(finding.message), "type": finding.code}
            )
            failure.text = _xml(
                f"{finding.shown_path}:{start.row}:{start.column}: {finding.message}"
            )
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, "unicode") + "\n"


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
