"""Pieces of text that several fixes insert, spelled the way the module already spells them."""

from __future__ import annotations

from optuna_lint.facts import ModuleNames
from optuna_lint.findings import Edit


def trial_pruned_reference(names: ModuleNames) -> tuple[str, tuple[Edit, ...]]:
    """How to write `TrialPruned` in this module, and the edit adding `import optuna` when no
    import already binds a name for it."""
    if names.trial_pruned is not None:
        return names.trial_pruned, ()
    return "optuna.TrialPruned", (
        Edit(names.import_insert_at, names.import_insert_at, "import optuna" + names.newline),
    )


def prune_check(trial: str, trial_pruned: str, indent: str, unit: str, newline: str) -> str:
    """`if trial.should_prune(): raise TrialPruned()` as indented lines."""
    return (
        f"{indent}if {trial}.should_prune():{newline}{indent}{unit}raise {trial_pruned}(){newline}"
    )
