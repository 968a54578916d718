"""What every rule is: a code, a name, documentation, and a check over joined facts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from optuna_lint.facts import FileFacts, PrunerRef
from optuna_lint.findings import Finding
from optuna_lint.linking import Answer, ProjectModel
from optuna_lint.settings import Settings


@dataclass(frozen=True)
class RuleContext:
    """What a rule sees of one file: its facts, the project they belong to, and the settings."""

    path: str  # the key of the file in the project model
    display_path: str  # the file name findings show
    facts: FileFacts
    project: ProjectModel
    settings: Settings


class Rule:
    """Base class of the rules. The class docstring is the rule's documentation page."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]  # when it fires, for the rules table
    fix_summary: ClassVar[str] = "none"  # what its fix does, for the rules table
    # "none", "safe", "unsafe" or "sometimes": which fixes the rule can offer.
    fix_availability: ClassVar[str] = "none"

    def check(self, context: RuleContext) -> Iterator[Finding]:
        """The findings of this rule in one file."""
        return iter(())


def has_pruner(pruner: PrunerRef, assume_default_pruner: bool) -> Answer:
    """Whether a study with this `pruner=` can prune at all.

    `NopPruner` (also inside `PatientPruner`) never prunes; a missing pruner means Optuna's
    default MedianPruner, which counts only when the user says so. A user-defined pruner (a
    `BasePruner` subclass of the project) prunes too, and, like every pruner, only when the
    objective asks `should_prune()`.
    """
    if pruner.kind == "absent":
        return Answer.YES if assume_default_pruner else Answer.NO
    if pruner.kind in ("unknown", "call"):
        return Answer.UNKNOWN
    if pruner.kind == "custom":
        return Answer.YES
    if pruner.class_name == "NopPruner":
        return Answer.NO
    wrapped = pruner.wrapped
    if wrapped is not None and wrapped.kind == "class" and wrapped.class_name == "NopPruner":
        return Answer.NO
    return Answer.YES


def describe_pruner(pruner: PrunerRef) -> str:
    """How a message names a pruner: `MedianPruner`, `PatientPruner(HyperbandPruner)`."""
    if pruner.kind == "absent":
        return "default MedianPruner"
    if pruner.kind not in ("class", "custom"):
        return "pruner"
    if pruner.wrapped is not None and pruner.wrapped.kind == "class":
        return f"PatientPruner({pruner.wrapped.class_name})"
    return str(pruner.class_name)
