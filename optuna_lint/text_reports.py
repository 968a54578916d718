"""Findings as lines for people and editors: the concise, full and pylint formats.

Columns are counted as editors count them: 1-based, in characters. The full format draws the
source under each finding; to line the `^` marks up with the text it measures display width,
so a tab counts as four columns and a wide (East Asian) character as two.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from optuna_lint.findings import Applicability, Finding, TextKey, message_with_cell
from optuna_lint.fixing import fix_is_wanted

# How many source lines the full format shows before and after the finding's first line.
CONTEXT_LINES = 2
TAB_WIDTH = 4

# Rows end where Python's tokenizer ends them, as in `source.LineIndex`; `str.splitlines` would
# also end them at form feeds and Unicode separators, and shift every row after one.
_NEWLINE = re.compile(r"\r\n|\r|\n")

_BOLD = "1"
_BOLD_RED = "1;31"
_BLUE = "34"
_CYAN = "36"


def paint(text: str, style: str, colour: bool) -> str:
    """`text` in the ANSI `style` when colour is asked for, as it is otherwise."""
    return f"\x1b[{style}m{text}\x1b[0m" if colour and text else text


def source_lines(text: str) -> list[str]:
    """The text's lines without their newlines, numbered as the findings' rows are."""
    lines = _NEWLINE.split(text)
    if lines[-1] == "":
        lines.pop()  # the last newline ends the last line; no line follows it
    return lines


def fix_marker(finding: Finding, unsafe_fixes: bool) -> str:
    """`[*] ` when `--fix` (with the given unsafe setting) would fix the finding."""
    return "[*] " if fix_is_wanted(finding.fix, unsafe_fixes) else ""


def concise_line(finding: Finding, unsafe_fixes: bool, colour: bool = False) -> str:
    """`path:row:column: CODE [*] message`, the default format; a notebook's finding is in its
    cell, `tune.ipynb:cell 3:row:column`."""
    location = finding.location
    marker = fix_marker(finding, unsafe_fixes)
    return (
        f"{paint(finding.shown_path, _BOLD, colour)}:{location.row}:{location.column}: "
        f"{paint(finding.code, _BOLD_RED, colour)} "
        f"{paint(marker.strip(), _CYAN, colour)}{' ' if marker else ''}{finding.message}"
    )


def concise_report(findings: Sequence[Finding], unsafe_fixes: bool, colour: bool = False) -> str:
    """One concise line per finding."""
    return "".join(concise_line(finding, unsafe_fixes, colour) + "\n" for finding in findings)


def pylint_report(findings: Sequence[Finding]) -> str:
    """`path:row: [CODE] message` per finding, the form pylint's parsers read. The path is the
    real file's; for a notebook, the row is counted in the cell the message names."""
    return "".join(
        f"{finding.filename}:{finding.location.row}: [{finding.code}] "
        f"{message_with_cell(finding)}\n"
        for finding in findings
    )


def full_report(
    findings: Sequence[Finding],
    texts: Mapping[TextKey, str],
    unsafe_fixes: bool,
    colour: bool = False,
) -> str:
    """Each finding's concise line, the source lines around it with the span marked by `^`,
    and the fix's message as `= help:`; each finding ends with a blank line.

    A span over several lines is marked on its first line, to the end of that line, and the
    label says on which line it ends: the spans of whole objectives would otherwise fill the
    screen. A finding whose file has no text (it could not be read) shows no source.
    """
    blocks = []
    for finding in findings:
        lines = [concise_line(finding, unsafe_fixes, colour)]
        text = texts.get(finding.text_key)
        file_lines = source_lines(text) if text is not None else []
        lines.extend(_excerpt(finding, file_lines, colour))
        lines.extend(_help(finding, unsafe_fixes, _gutter_width(finding, file_lines), colour))
        blocks.append("\n".join(lines) + "\n\n")
    return "".join(blocks)


def _gutter_width(finding: Finding, file_lines: list[str]) -> int:
    last_row = min(finding.location.row + CONTEXT_LINES, max(len(file_lines), 1))
    return len(str(last_row))


def _excerpt(finding: Finding, file_lines: list[str], colour: bool) -> list[str]:
    row = finding.location.row
    if not 1 <= row <= len(file_lines):
        return []
    width = _gutter_width(finding, file_lines)
    bar = paint(" " * width + " |", _BLUE, colour)
    first = max(1, row - CONTEXT_LINES)
    last = min(len(file_lines), row + CONTEXT_LINES)

    excerpt = [bar]
    for number in range(first, last + 1):
        shown = file_lines[number - 1].replace("\t", " " * TAB_WIDTH)
        excerpt.append((paint(f"{number:>{width}} |", _BLUE, colour) + " " + shown).rstrip())
        if number == row:
            excerpt.append(f"{bar} {_underline(finding, file_lines[number - 1], colour)}")
    excerpt.append(bar)
    return excerpt


def _underline(finding: Finding, line: str, colour: bool) -> str:
    start, end = finding.location, finding.end_location
    before = line[: start.column - 1]
    if end.row == start.row:
        marked = line[start.column - 1 : end.column - 1]
        label = finding.code
    else:
        marked = line[start.column - 1 :].rstrip()
        label = f"{finding.code} (to line {end.row})"
    carets = "^" * max(1, _display_width(marked))
    return " " * _display_width(before) + paint(f"{carets} {label}", _BOLD_RED, colour)


def _help(finding: Finding, unsafe_fixes: bool, width: int, colour: bool) -> list[str]:
    if finding.fix is None:
        return []
    message = finding.fix.message
    if finding.fix.applicability is Applicability.UNSAFE and not unsafe_fixes:
        message += " (unsafe fix: apply it with --fix --unsafe-fixes)"
    return [" " * width + " " + paint("= help:", _CYAN, colour) + " " + message]


def _display_width(text: str) -> int:
    width = 0
    for character in text:
        if character == "\t":
            width += TAB_WIDTH
        elif unicodedata.combining(character):
            continue
        elif unicodedata.east_asian_width(character) in ("W", "F"):
            width += 2
        else:
            width += 1
    return width
