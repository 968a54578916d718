"""OPL101: a study has a pruner that its objective never feeds."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.facts import ReportInsertion
from optuna_lint.findings import Applicability, Edit, Finding, Fix
from optuna_lint.fix_text import prune_check, trial_pruned_reference
from optuna_lint.linking import Answer, Objective
from optuna_lint.rules.base import Rule, RuleContext, describe_pruner, has_pruner


class PrunerNeverFed(Rule):
    """## What it does
    Finds objectives of a study that has a pruner, where the objective never calls
    `trial.report` or `trial.should_prune`: neither itself nor anywhere the trial goes in the
    project (helper functions and methods of any module, objects that keep the trial as
    `self.trial`, nested functions, Optuna's integration pruning callbacks passed on to the
    training framework).

    ## Why is this bad?
    A pruner decides from the intermediate values an objective reports, and acts only when the
    objective asks `should_prune()` and raises `TrialPruned`. Passing `pruner=` to
    `create_study` alone does nothing: every trial trains to the end, and the time the pruner
    was meant to save is spent.

    ## Known problems
    When the trial is handed to code the linter cannot see (another package, a dynamic call,
    a container), or passed through more than 8 calls, the rule stays silent. A method of an
    object that keeps the trial counts as reporting when it reports, whether or not the
    training framework ever calls it. A study without `pruner=` (Optuna then uses a
    MedianPruner) is only checked with `assume-default-pruner`. Studies with several
    directions are skipped, since Optuna cannot prune them.

    ## Example
    ```python
    def objective(trial):
        model = build(trial)
        for epoch in range(20):
            val_error = train_and_validate(model)
        return val_error

    study = optuna.create_study(pruner=optuna.pruners.HyperbandPruner())
    study.optimize(objective, n_trials=100)
    ```

    ## Use instead
    ```python
    def objective(trial):
        model = build(trial)
        for epoch in range(20):
            val_error = train_and_validate(model)
            trial.report(val_error, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return val_error
    ```

    ## Fix safety
    The fix is unsafe: it guesses which value to report (the one the objective returns, when
    the training loop assigns it on every pass) and at which step (the loop index), and once
    the check is in place trials start being pruned. There is no fix when no such loop, value
    or index is found.

    ## References
    - https://optuna.readthedocs.io/en/stable/tutorial/10_key_features/003_efficient_optimization_algorithms.html
    """

    code = "OPL101"
    name = "pruner-never-fed"
    summary = (
        "a study has a pruner (not `NopPruner`) but its objective never calls `report` or "
        "`should_prune`, itself or anywhere the trial goes in the project"
    )
    fix_summary = (
        "unsafe: report the returned value at the training loop's index, then check and raise"
    )
    fix_availability = "unsafe"

    def check(self, context: RuleContext) -> Iterator[Finding]:
        reported: set[int] = set()
        for objective in context.project.objectives(context.path):
            if not self._applies(objective, context):
                continue
            function = objective.function
            if function.span.start_offset in reported:
                continue
            reported.add(function.span.start_offset)
            yield Finding(
                code=self.code,
                name=self.name,
                message=(
                    f"Objective `{function.display_name}` never reports to its study's "
                    f"{describe_pruner(objective.pruner)}: without "
                    f"`{objective.trial_variable}.report(...)` and a prune check, "
                    "no trial is ever pruned"
                ),
                filename=context.display_path,
                span=function.span,
                fix=self._fix(objective, context),
            )

    def _applies(self, objective: Objective, context: RuleContext) -> bool:
        study = objective.study
        return (
            study.direction_count == 1
            and has_pruner(objective.pruner, context.settings.assume_default_pruner) is Answer.YES
            and objective.use.reports is Answer.NO
            and objective.use.checks is Answer.NO
        )

    def _fix(self, objective: Objective, context: RuleContext) -> Fix | None:
        insertion: ReportInsertion | None = objective.function.report_insertion
        if insertion is None:
            return None
        trial = objective.trial_variable
        trial_pruned, import_edits = trial_pruned_reference(context.facts.names)
        value = f"float({insertion.value})" if insertion.value_is_tensor else insertion.value
        newline = insertion.newline
        unit = context.facts.names.indent_unit
        text = (
            f"{insertion.lead}{insertion.indent}{trial}.report({value}, {insertion.step}){newline}"
        )
        text += prune_check(trial, trial_pruned, insertion.indent, unit, newline)
        return Fix(
            message=f"Report `{value}` at step `{insertion.step}` and prune",
            applicability=Applicability.UNSAFE,
            edits=(*import_edits, Edit(insertion.insert_at, insertion.insert_at, text)),
        )
