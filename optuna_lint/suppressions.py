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
