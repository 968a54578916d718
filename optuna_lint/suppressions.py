"""`# noqa` comments: which findings they suppress, and which suppress nothing.

`# noqa` alone suppresses every finding reported on its line, `# noqa: OPL201, OPL305` those
codes (or prefixes); a comment `# optuna-lint: noqa` on a line of its own turns the whole file
off. Comments are found with the tokenizer, so the words inside a string never count.

The directives are read as ruff reads its own: codes are upper-case letters followed by digits,
separated by commas or spaces, and text after them is a comment (`# noqa: OPL201 kept on
purpose`); `# noqa : OPL201` lists codes too. A directive that cannot be read (`# noqa:` with no
code, `# noqa: opl201`, `# noqaOPL201`) suppresses nothing, and a warning names it.
"""

from __future__ import annotations

import io
import logging
import re
import tokenize
from dataclasses import dataclass

logger = logging.getLogger(__name__)

_CODE = re.compile(r"[A-Z]+[0-9]+")
_WHITESPACE = re.compile(r"\s*")
_FILE_DIRECTIVE = re.compile(r"#\s*optuna-lint\s*:\s*noqa\s*$", re.I)
_INLINE_DIRECTIVE = re.compile(r"#\s*noqa", re.I)


@dataclass(frozen=True)
class NoqaComment:
    """One directive: `# noqa` or `# noqa: CODES`. It covers the text from its `#` to the end of
    `noqa` or of its last code; what follows is a comment of the user's."""

    row: int
    column: int  # 1-based, in characters, of the `#` that starts the directive
    start_offset: int  # of the directive in the text
    end_offset: int
    codes: tuple[str, ...] | None  # None: a bare directive, which suppresses everything

    def suppresses(self, code: str) -> bool:
        return self.codes is None or any(code.startswith(prefix) for prefix in self.codes)


@dataclass(frozen=True)
class Suppressions:
    comments: tuple[NoqaComment, ...] = ()
    whole_file: bool = False

    def by_row(self) -> dict[int, NoqaComment]:
        return {comment.row: comment for comment in self.comments}

    def directive_for(self, row: int, code: str) -> NoqaComment | None:
        """The directive that suppresses a finding of `code` reported on `row`, if any."""
        comment = self.by_row().get(row)
        if comment is not None and comment.suppresses(code):
            return comment
        return None


NONE = Suppressions()

# Warnings already given, so that the fix passes, which read the same comments again, do not
# repeat them.
_warned: set[tuple[str, int, str]] = set()


@dataclass(frozen=True)
class _Lexed:
    """A directive found in a comment; offsets are within the comment."""

    start: int
    end: int
    codes: tuple[str, ...] | None
    problem: str | None = None  # why it cannot be read; it then suppresses nothing


def read_suppressions(text: str, display_path: str | None = None) -> Suppressions:
    """The `noqa` directives of a source text. With `display_path`, a directive that cannot be
    read is logged as a warning naming the file and line."""
    if not re.search("noqa", text, re.I):
        return NONE  # most files have none: no tokenizing
    comments: list[NoqaComment] = []
    whole_file = False
    for token, start_offset in _comments(text):
        row, column = token.start
        if _FILE_DIRECTIVE.match(token.string) and not token.line[:column].strip():
            whole_file = True
            continue
        lexed = _lex_inline_directive(token.string)
        if lexed is None:
            continue
        if lexed.problem is not None:
            _warn(
                display_path, row, f"`{token.string.rstrip()}` suppresses nothing: {lexed.problem}"
            )
            continue
        comments.append(
            NoqaComment(
                row=row,
                column=column + lexed.start + 1,
                start_offset=start_offset + lexed.start,
                end_offset=start_offset + lexed.end,
                codes=lexed.codes,
            )
        )
    return Suppressions(tuple(comments), whole_file)


def _warn(display_path: str | None, row: int, message: str) -> None:
    if display_path is None or (display_path, row, message) in _warned:
        return
    _warned.add((display_path, row, message))
    logger.warning("%s:%d: %s", display_path, row, message)


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


def _comments(text: str) -> list[tuple[tokenize.TokenInfo, int]]:
    """The comment tokens of a text, each with the offset of its start."""
    # Rows as the tokenizer counts them: lines end at "\n" only.
    line_starts = [0]
    for line in io.StringIO(text):
        line_starts.append(line_starts[-1] + len(line))
    comments: list[tuple[tokenize.TokenInfo, int]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                row, column = token.start
                comments.append((token, line_starts[row - 1] + column))
    except (tokenize.TokenError, SyntaxError):
        pass  # such a file is reported as a syntax error; the comments read so far still count
    return comments


def add_noqa(text: str, findings_by_row: dict[int, set[str]]) -> tuple[str, int]:
    """The text with a `# noqa: CODES` at the end of each row holding findings (codes added
    to a directive already there), and how many rows got one. A row that ends inside a string
    or after a line continuation gets none."""
    existing = read_suppressions(text).by_row()
    lines = io.StringIO(text).readlines()
    line_starts = [0]
    for line in lines:
        line_starts.append(line_starts[-1] + len(line))
    unsafe_rows = _rows_ending_inside_a_token(text)
    added = 0
    for row, codes in sorted(findings_by_row.items()):
        if row > len(lines) or row in unsafe_rows:
            continue
        line = lines[row - 1]
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        comment = existing.get(row)
        if comment is not None:
            if comment.codes is None:
                continue  # a bare `# noqa` already suppresses everything
            merged = sorted(set(comment.codes) | codes)
            if merged == sorted(comment.codes):
                continue
            start = comment.start_offset - line_starts[row - 1]
            end = start + (comment.end_offset - comment.start_offset)
            body = body[:start] + f"# noqa: {', '.join(merged)}" + body[end:]
        else:
            if body.rstrip().endswith("\\"):
                continue
            body = body.rstrip() + f"  # noqa: {', '.join(sorted(codes))}"
        lines[row - 1] = body + ending
        added += 1
    return "".join(lines), added


def _rows_ending_inside_a_token(text: str) -> set[int]:
    """Rows whose end lies inside a string (or, from Python 3.12, an f-string) that goes on to
    the next row; a comment added there would become part of it."""
    rows: set[int] = set()
    fstring_start = getattr(tokenize, "FSTRING_START", None)
    fstring_end = getattr(tokenize, "FSTRING_END", None)
    open_fstrings: list[int] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING and token.end[0] > token.start[0]:
                rows.update(range(token.start[0], token.end[0]))
            elif fstring_start is not None and token.type == fstring_start:
                open_fstrings.append(token.start[0])
            elif fstring_end is not None and token.type == fstring_end and open_fstrings:
                rows.update(range(open_fstrings.pop(), token.end[0]))
    except (tokenize.TokenError, SyntaxError):
        return set(range(1, text.count("\n") + 2))  # not well-formed: no row is safe
    return rows
