"""OPL901: a `# noqa` comment that suppresses nothing."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.findings import Applicability, Edit, Finding, Fix, Location, Span
from optuna_lint.rules.base import Rule
from optuna_lint.suppressions import NoqaComment


class UnusedNoqa(Rule):
    """## What it does
    Finds `# noqa` comments, and codes in them, that suppress no finding on their line, and
    codes of a file-wide `# optuna-lint: noqa: CODES` that suppress no finding in the file. It
    is opt-in: `--extend-select OPL9` (or `extend-select = ["OPL9"]`) turns it on.

    ## Why is this bad?
    A suppression outlives the finding it was written for: after the code is fixed it stays,
    and later hides a new finding of the same code on that line without anyone deciding so.

    ## Known problems
    Codes of rules that are not selected for the file are not reported, since the linter
    cannot tell whether they would have fired. A bare `# noqa` is reported only when no
    finding at all is on its line. A code that a file-wide directive also suppresses is
    reported in the line's directive, which then suppresses nothing.

    ## Example
    ```python
    trial.set_user_attr("loss", loss)  # noqa: OPL201
    ```
    where OPL201 no longer fires.

    ## Use instead
    ```python
    trial.set_user_attr("loss", loss)
    ```

    ## Fix safety
    The fix is safe: it removes the unused codes from the directive, or the directive when none
    is left, and changes no code. Words written after the directive stay as a comment
    (`# noqa: OPL201 kept on purpose` becomes `# kept on purpose`); a directive alone on its
    line goes with its line.
    """

    code = "OPL901"
    name = "unused-noqa"
    summary = "a `# noqa` comment, or a code in one, suppresses no finding on its line (opt-in)"
    fix_summary = "safe: remove the directive or its unused codes"
    fix_availability = "safe"

    def unused(
        self,
        comment: NoqaComment,
        used: set[str],
        is_selected,
        display_path: str,
        text: str,
    ) -> Iterator[Finding]:
        """The finding for a directive of which `used` are the codes of findings it
        suppressed (`is_selected` tells which codes are on for the file)."""
        if comment.codes is None:
            if used:
                return
            unused: tuple[str, ...] = ()
            kept: list[str] = []
        else:
            unused = tuple(c for c in comment.codes if not used_by(c, used) and is_selected(c))
            if not unused:
                return
            kept = [c for c in comment.codes if c not in unused]
        if kept:
            directive = "# optuna-lint: noqa" if comment.whole_file else "# noqa"
            edit = Edit(comment.start_offset, comment.end_offset, f"{directive}: {', '.join(kept)}")
        else:
            edit = directive_removal(comment, text)
        written = text[comment.start_offset : comment.end_offset]
        what = f"`{written}`" if not unused else f"{', '.join(unused)} in `{written}`"
        where = "in this file" if comment.whole_file else "on this line"
        yield Finding(
            code=self.code,
            name=self.name,
            message=f"{what} suppresses nothing {where}",
            filename=display_path,
            span=Span(
                comment.start_offset,
                comment.end_offset,
                Location(comment.row, comment.column),
                Location(comment.row, comment.column + len(written)),
            ),
            fix=Fix(
                message="Remove the unused codes" if kept else "Remove the directive",
                applicability=Applicability.SAFE,
                edits=(edit,),
            ),
        )


def directive_removal(comment: NoqaComment, text: str) -> Edit:
    """The edit removing a directive, as ruff removes an unused one: the whole line when the
    directive is all there is on it, the directive and the spaces before it at the end of a
    line, and otherwise only the directive, so that the user's words after it stay a comment
    (`x = 1  # noqa: OPL201 kept on purpose` becomes `x = 1  # kept on purpose`)."""
    line_start = text.rfind("\n", 0, comment.start_offset) + 1
    line_end = text.find("\n", comment.end_offset)
    next_line_start = len(text) if line_end == -1 else line_end + 1
    if line_end == -1:
        line_end = len(text)
    if text[line_start:line_end].endswith("\r"):
        line_end -= 1
    before = text[line_start : comment.start_offset]
    after = text[comment.end_offset : line_end]
    spaces_after = len(after) - len(after.lstrip(" \t"))
    if not before.strip() and not after.strip():
        return Edit(line_start, next_line_start, "")
    if not after.strip():
        spaces_before = len(before) - len(before.rstrip(" \t"))
        return Edit(comment.start_offset - spaces_before, line_end, "")
    if after.lstrip(" \t").startswith("#"):
        return Edit(comment.start_offset, comment.end_offset + spaces_after, "")
    return Edit(comment.start_offset, comment.end_offset + spaces_after, "# ")


def used_by(code: str, used: set[str]) -> bool:
    """Whether a directive's code (or prefix) suppressed one of the codes in `used`."""
    return any(found.startswith(code) for found in used)
