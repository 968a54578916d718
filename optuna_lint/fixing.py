"""Applying fixes to source text: edits that do not overlap, in one pass."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from optuna_lint.findings import Edit, Finding, Fix

# Fixes are applied in passes until none applies; a rule whose fix keeps producing new
# findings cannot loop for ever.
MAX_FIX_PASSES = 10


@dataclass(frozen=True)
class AppliedFixes:
    text: str
    applied: tuple[Finding, ...]


def apply_fixes(text: str, findings: Iterable[Finding]) -> AppliedFixes:
    """Apply the fixes of `findings` that do not overlap with one applied before them.

    Fixes are taken in the order of their findings, so insertions at the same point keep the
    order of the findings that asked for them. An edit identical to one already taken (two
    fixes adding the same import) is made once.
    """
    accepted: list[Edit] = []
    applied: list[Finding] = []
    for finding in sorted(findings, key=Finding.sort_key):
        fix = finding.fix
        if fix is None:
            continue
        new_edits = [edit for edit in fix.edits if edit not in accepted]
        if any(_overlap(edit, taken) for edit in new_edits for taken in accepted):
            continue
        accepted.extend(new_edits)
        applied.append(finding)
    return AppliedFixes(apply_edits(text, accepted), tuple(applied))


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply edits that do not overlap; insertions at one point go in list order."""
    order = sorted(range(len(edits)), key=lambda i: (edits[i].start_offset, i))
    pieces = []
    position = 0
    for index in order:
        edit = edits[index]
        pieces.append(text[position : edit.start_offset])
        pieces.append(edit.content)
        position = max(position, edit.end_offset)
    pieces.append(text[position:])
    return "".join(pieces)


def _overlap(first: Edit, second: Edit) -> bool:
    if first.is_insertion and second.is_insertion:
        return False
    if first.is_insertion:
        return second.start_offset < first.start_offset < second.end_offset
    if second.is_insertion:
        return first.start_offset < second.start_offset < first.end_offset
    return first.start_offset < second.end_offset and second.start_offset < first.end_offset


def fix_is_wanted(fix: Fix | None, unsafe_fixes: bool) -> bool:
    if fix is None:
        return False
    return fix.applicability.value == "safe" or unsafe_fixes
