"""`# noqa` comments: which findings they suppress, and which suppress nothing.

`# noqa` alone suppresses every finding reported on its line, `# noqa: OPL201, OPL305` those
codes (or prefixes); a comment `# optuna-lint: noqa` on a line of its own turns the whole file
off, and `# optuna-lint: noqa: OPL201` turns those codes off in the whole file. Comments are
found with the tokenizer, so the words inside a string never count.

The directives are read as ruff reads its own: codes are upper-case letters followed by digits,
separated by commas or spaces, and text after them is a comment (`# noqa: OPL201 kept on
purpose`); `# noqa : OPL201` lists codes too. A directive that cannot be read (`# noqa:` with no
code, `# noqa: opl201`, `# noqaOPL201`) suppresses nothing, and a warning names it.

A finding on a line that lies inside a string over several lines, or in a statement continued
with backslashes, is suppressed by a `# noqa` at the end of the last line of that string or
statement: the only place on those lines where a comment can go.
"""

from __future__ import annotations

import io
import logging
import re
import tokenize
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

_CODE = re.compile(r"[A-Z]+[0-9]+")
_WHITESPACE = re.compile(r"\s*")
_FILE_DIRECTIVE = re.compile(r"#\s*optuna-lint\s*:\s*noqa", re.I)
_INLINE_DIRECTIVE = re.compile(r"#\s*noqa", re.I)
_NOT_TOKENS = frozenset(
    {tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT}
)


@dataclass(frozen=True)
class NoqaComment:
    """One directive: `# noqa`, `# noqa: CODES` or, for the whole file, `# optuna-lint: noqa:
    CODES`. It covers the text from its `#` to the end of `noqa` or of its last code; what
    follows is a comment of the user's."""

    row: int
    column: int  # 1-based, in characters, of the `#` that starts the directive
    start_offset: int  # of the directive in the text
    end_offset: int
    codes: tuple[str, ...] | None  # None: a bare directive, which suppresses everything
    whole_file: bool = False  # `# optuna-lint: noqa: CODES`, for every line of the file

    def suppresses(self, code: str) -> bool:
        return self.codes is None or any(code.startswith(prefix) for prefix in self.codes)


@dataclass(frozen=True)
class Suppressions:
    comments: tuple[NoqaComment, ...] = ()
    whole_file: bool = False  # a bare `# optuna-lint: noqa`
    # The row whose directive covers a row inside a string over several lines or a
    # backslash-continued statement; other rows are covered by their own.
    noqa_rows: Mapping[int, int] = field(default_factory=dict)
    # Rows holding a directive that could not be read: nothing suppresses their findings.
    invalid_rows: frozenset[int] = frozenset()

    def by_row(self) -> dict[int, NoqaComment]:
        return {comment.row: comment for comment in self.comments if not comment.whole_file}

    def noqa_row(self, row: int) -> int:
        """The row at whose end a `# noqa` for a finding on `row` is read."""
        return self.noqa_rows.get(row, row)

    def directive_for(self, row: int, code: str) -> NoqaComment | None:
        """The directive that suppresses a finding of `code` reported on `row`, if any. As in
        ruff, a file-wide directive is asked first, then the one of the finding's line."""
        if self.whole_file:
            return None  # nothing is reported at all; no single directive to credit
        for comment in self.comments:
            if comment.whole_file and comment.suppresses(code):
                return comment
        line_comment = self.by_row().get(self.noqa_row(row))
        if line_comment is not None and line_comment.suppresses(code):
            return line_comment
        return None


NONE = Suppressions()

# Warnings already given, so that the fix passes, which read the same comments again, do not
# repeat them.
_warned: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class _Lexed:
    """A directive found in a comment; offsets are within the comment."""

    start: int
    end: int
    codes: tuple[str, ...] | None
    problem: str | None = None  # why it cannot be read; it then suppresses nothing


def read_suppressions(text: str, name_row: Callable[[int], str] | None = None) -> Suppressions:
    """The `noqa` directives of a source text. With `name_row`, which names a row of the text
    for the user (`train.py:9`), a directive that cannot be read is logged as a warning."""
    if not re.search("noqa", text, re.I):
        return NONE  # most files have none: no tokenizing
    scan = _scan(text)
    comments: list[NoqaComment] = []
    invalid_rows: set[int] = set()
    whole_file = False
    for token, start_offset in scan.comments:
        row, column = token.start
        written = token.string.rstrip()
        lexed = _lex_file_directive(token.string)
        is_file_directive = lexed is not None
        if is_file_directive and token.line[:column].strip():
            _warn(
                name_row,
                row,
                f"`{written}` suppresses nothing: a file-wide directive works only on a line of "
                "its own",
            )
            continue
        if lexed is None:
            lexed = _lex_inline_directive(token.string)
        if lexed is None:
            continue
        if lexed.problem is not None:
            _warn(name_row, row, f"`{written}` suppresses nothing: {lexed.problem}")
            if not is_file_directive:
                invalid_rows.add(row)
            continue
        if is_file_directive and lexed.codes is None:
            whole_file = True
            continue
        if _INLINE_DIRECTIVE.search(token.string, lexed.end):
            _warn(
                name_row,
                row,
                f"`{written}`: only the first directive of a comment is read; list every code in "
                "that one",
            )
        comments.append(
            NoqaComment(
                row=row,
                column=column + lexed.start + 1,
                start_offset=start_offset + lexed.start,
                end_offset=start_offset + lexed.end,
                codes=lexed.codes,
                whole_file=is_file_directive,
            )
        )
    return Suppressions(tuple(comments), whole_file, scan.noqa_rows, frozenset(invalid_rows))


def _warn(name_row: Callable[[int], str] | None, row: int, message: str) -> None:
    if name_row is None or (name_row(row), message) in _warned:
        return
    _warned.add((name_row(row), message))
    logger.warning("%s: %s", name_row(row), message)


def _lex_file_directive(comment: str) -> _Lexed | None:
    """`# optuna-lint: noqa` or `# optuna-lint: noqa: CODES` at the start of a comment."""
    match = _FILE_DIRECTIVE.match(comment)
    if match is None:
        return None
    position = _WHITESPACE.match(comment, match.end()).end()
    if position == len(comment):
        return _Lexed(0, match.end(), None)
    if comment[position] == ":":
        return _lex_codes(comment, 0, position + 1, "# optuna-lint: noqa:")
    return _Lexed(0, match.end(), None, "unexpected text after `noqa`")


def _lex_inline_directive(comment: str) -> _Lexed | None:
    """The first `# noqa` directive of a comment (it may follow other text: `# why # noqa`)."""
    match = _INLINE_DIRECTIVE.search(comment)
    if match is None:
        return None
    start, position = match.start(), match.end()
    following = comment[position : position + 1]
    if following in ("", "#"):
        return _Lexed(start, position, None)
    if following == ":":
        return _lex_codes(comment, start, position + 1, "# noqa:")
    if following.isspace():
        after_space = _WHITESPACE.match(comment, position).end()
        if comment[after_space : after_space + 1] == ":":
            # Codes after a spaced colon ("noqa : OPL201"), as ruff reads them.
            return _lex_codes(comment, start, after_space + 1, "# noqa:")
        return _Lexed(start, position, None)  # a bare directive followed by the user's words
    return _Lexed(start, position, None, f"unexpected `{following}` right after `noqa`")


def _lex_codes(comment: str, start: int, position: int, written: str) -> _Lexed:
    """The codes after a directive's colon, up to the first word that is not a code."""
    codes: list[str] = []
    end = position
    while True:
        position = _WHITESPACE.match(comment, position).end()
        if comment.startswith(",", position):
            position += 1
            continue
        match = _CODE.match(comment, position)
        if match is None:
            break  # the end of the comment, another `#`, or the user's own words
        codes.append(match.group())
        position = end = match.end()
        following = comment[position : position + 1]
        if following and not (following.isspace() or following in ",#" or "A" <= following <= "Z"):
            return _Lexed(start, end, None, f"unexpected `{following}` after `{match.group()}`")
    if not codes:
        return _Lexed(start, end, None, f"no code follows `{written}` (as in `{written} OPL201`)")
    return _Lexed(start, end, tuple(codes))


@dataclass(frozen=True)
class _Scan:
    comments: list[tuple[tokenize.TokenInfo, int]]  # each with the offset of its start
    noqa_rows: dict[int, int]
    complete: bool  # False when the text does not tokenize to its end


def _scan(text: str) -> _Scan:
    """The comments of a text and where the `# noqa` of each row inside a multi-line string or
    a backslash-continued statement goes: the last row of the string or statement, as in ruff.
    Overlapping spans (a string on a continued line) are one span."""
    # Rows as the tokenizer counts them: lines end at "\n" only.
    line_starts = [0]
    for line in io.StringIO(text):
        line_starts.append(line_starts[-1] + len(line))
    comments: list[tuple[tokenize.TokenInfo, int]] = []
    spans: list[tuple[int, int]] = []
    fstring_start = getattr(tokenize, "FSTRING_START", None)
    fstring_end = getattr(tokenize, "FSTRING_END", None)
    open_fstrings: list[int] = []
    last_row: int | None = None  # where the last token of the logical line so far ends
    complete = True
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                row, column = token.start
                comments.append((token, line_starts[row - 1] + column))
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                last_row = None
            elif token.type not in _NOT_TOKENS and token.type != tokenize.ENDMARKER:
                if last_row is not None and token.start[0] > last_row:
                    spans.append((last_row, token.start[0]))  # joined by backslashes
                last_row = token.end[0]
            if token.type == tokenize.STRING and token.end[0] > token.start[0]:
                spans.append((token.start[0], token.end[0]))
            elif fstring_start is not None and token.type == fstring_start:
                open_fstrings.append(token.start[0])
            elif fstring_end is not None and token.type == fstring_end and open_fstrings:
                first_row = open_fstrings.pop()
                if token.end[0] > first_row:
                    spans.append((first_row, token.end[0]))
    except (tokenize.TokenError, SyntaxError):
        complete = False  # such a file is reported as a syntax error; what was read still counts
    return _Scan(comments, _rows_to_last_row(spans), complete)


def _rows_to_last_row(spans: list[tuple[int, int]]) -> dict[int, int]:
    merged: list[list[int]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return {row: last for first, last in merged for row in range(first, last)}


@dataclass(frozen=True)
class NoqaAddition:
    """What `add_noqa` made of a text."""

    text: str
    added: int  # rows that got a directive or new codes in one
    unsuppressed: tuple[tuple[int, str], ...]  # (row, code) of findings still not suppressed


def add_noqa(text: str, findings_by_row: dict[int, set[str]]) -> NoqaAddition:
    """The text with a `# noqa: CODES` at the end of the row that covers each finding (codes
    added to a directive already there), how many rows got one, and the findings the new text
    still does not suppress: those under a directive that cannot be read, and all of them when
    the text does not tokenize."""
    scan = _scan(text)
    if not scan.complete:
        return NoqaAddition(text, 0, _all_findings(findings_by_row))
    suppressions = read_suppressions(text)
    codes_by_noqa_row: dict[int, set[str]] = {}
    for row, codes in findings_by_row.items():
        noqa_row = scan.noqa_rows.get(row, row)
        codes_by_noqa_row.setdefault(noqa_row, set()).update(codes)

    existing = suppressions.by_row()
    lines = io.StringIO(text).readlines()
    line_starts = [0]
    for line in lines:
        line_starts.append(line_starts[-1] + len(line))
    added = 0
    for row, codes in sorted(codes_by_noqa_row.items()):
        if row > len(lines) or row in suppressions.invalid_rows:
            continue  # left for the check below to report
        line = lines[row - 1]
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        comment = existing.get(row)
        if comment is not None:
            if comment.codes is None:
                continue  # a bare directive already suppresses everything
            merged = sorted(set(comment.codes) | codes)
            if merged == sorted(comment.codes):
                continue
            start = comment.start_offset - line_starts[row - 1]
            end = start + (comment.end_offset - comment.start_offset)
            body = body[:start] + f"# noqa: {', '.join(merged)}" + body[end:]
        else:
            body = body.rstrip() + f"  # noqa: {', '.join(sorted(codes))}"
        lines[row - 1] = body + ending
        added += 1
    new_text = "".join(lines)

    # Checked on the new text, so that the count never claims a finding it did not cover.
    now = read_suppressions(new_text)
    unsuppressed = tuple(
        (row, code)
        for row, code in _all_findings(findings_by_row)
        if not now.whole_file and now.directive_for(row, code) is None
    )
    return NoqaAddition(new_text, added, unsuppressed)


def _all_findings(findings_by_row: dict[int, set[str]]) -> tuple[tuple[int, str], ...]:
    return tuple(
        (row, code) for row, codes in sorted(findings_by_row.items()) for code in sorted(codes)
    )
