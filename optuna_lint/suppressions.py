"""`# noqa` comments: which findings they suppress, and which suppress nothing.

`# noqa` alone suppresses every finding reported on its line, `# noqa: OPL201, OPL305` those
codes (or prefixes); a comment `# optuna-lint: noqa` on a line of its own turns the whole file
off. Comments are found with the tokenizer, so the words inside a string never count.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z]+\d*(?:\s*,?\s*[A-Za-z]+\d+)*))?", re.I)
FILE_NOQA = re.compile(r"#\s*optuna-lint\s*:\s*noqa\s*$", re.I)


@dataclass(frozen=True)
class NoqaComment:
    row: int
    column: int  # 1-based, in characters, of the `#` that starts the directive
    start_offset: int  # of the directive in the text
    end_offset: int
    codes: tuple[str, ...] | None  # None: a bare `# noqa`, which suppresses everything

    def suppresses(self, code: str) -> bool:
        return self.codes is None or any(code.startswith(prefix) for prefix in self.codes)


@dataclass(frozen=True)
class Suppressions:
    comments: tuple[NoqaComment, ...] = ()
    whole_file: bool = False

    def by_row(self) -> dict[int, NoqaComment]:
        return {comment.row: comment for comment in self.comments}


NONE = Suppressions()


def read_suppressions(text: str) -> Suppressions:
    """The `noqa` directives of a source text."""
    if "noqa" not in text and "NOQA" not in text:
        return NONE  # most files have none: no tokenizing
    # Rows as the tokenizer counts them: lines end at "\n" only.
    line_starts = [0]
    for line in io.StringIO(text):
        line_starts.append(line_starts[-1] + len(line))
    comments = []
    whole_file = False
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type != tokenize.COMMENT:
                continue
            row, column = token.start
            if FILE_NOQA.match(token.string) and not token.line[:column].strip():
                whole_file = True
                continue
            match = NOQA.search(token.string)
            if match is None:
                continue
            codes = match.group("codes")
            start = line_starts[row - 1] + column + match.start()
            comments.append(
                NoqaComment(
                    row=row,
                    column=column + match.start() + 1,
                    start_offset=start,
                    end_offset=start + len(match.group(0)),
                    codes=tuple(code.upper() for code in re.split(r"[\s,]+", codes) if code)
                    if codes
                    else None,
                )
            )
    except (tokenize.TokenError, SyntaxError):
        pass  # such a file is reported as a syntax error; the comments read so far still count
    return Suppressions(tuple(comments), whole_file)


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
