"""OPL901: a `# noqa` comment that suppresses nothing."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.findings import Applicability, Edit, Finding, Fix, Location, Span
from optuna_lint.rules.base import Rule
from optuna_lint.suppressions import NoqaComment


class UnusedNoqa(Rule):
    """## What it does
    Finds `# noqa` comments, and codes in them, that suppress no finding on their line. It is
    opt-in: `--extend-select OPL9` (or `extend-select = ["OPL9"]`) turns it on.

    ## Why is this bad?
    A suppression outlives the finding it was written for: after the code is fixed it stays,
    and later hides a new finding of the same code on that line without anyone deciding so.

    ## Known problems
    Codes of rules that are not selected for the file are not reported, since the linter
    cannot tell whether they would have fired. A bare `# noqa` is reported only when no
    finding at all is on its line.

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
    The fix is safe: it removes the directive, or the unused codes from it, and changes no code.
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
            replacement = ""
        else:
            unused = tuple(c for c in comment.codes if not used_by(c, used) and is_selected(c))
            if not unused:
                return
            kept = [c for c in comment.codes if c not in unused]
            replacement = f"# noqa: {', '.join(kept)}" if kept else ""
        start = comment.start_offset
        if not replacement:
            # The spaces before a directive that goes go with it.
            while start > 0 and text[start - 1] in " \t":
                start -= 1
        written = text[comment.start_offset : comment.end_offset]
        what = f"`{written}`" if not unused else f"{', '.join(unused)} in `{written}`"
        column_start = comment.column
        yield Finding(
            code=self.code,
            name=self.name,
            message=f"{what} suppresses nothing on this line",
            filename=display_path,
            span=Span(
                comment.start_offset,
                comment.end_offset,
                Location(comment.row, column_start),
                Location(comment.row, column_start + len(written)),
            ),
            fix=Fix(
                message="Remove the directive" if not replacement else "Remove the unused codes",
                applicability=Applicability.SAFE,
                edits=(Edit(start, comment.end_offset, replacement),),
            ),
        )


def used_by(code: str, used: set[str]) -> bool:
    """Whether a directive's code (or prefix) suppressed one of the codes in `used`."""
    return any(found.startswith(code) for found in used)
