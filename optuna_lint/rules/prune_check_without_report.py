"""OPL102: `should_prune()` is asked, but nothing was ever reported to decide from."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.facts import PruneCheck, TrialCall
from optuna_lint.findings import Applicability, Edit, Finding, Fix
from optuna_lint.linking import Answer, Objective
from optuna_lint.rules.base import Rule, RuleContext, describe_pruner, has_pruner


class PruneCheckWithoutReport(Rule):
    """## What it does
    Finds `trial.should_prune()` calls in objectives that never call `trial.report`, neither
    themselves nor anywhere the trial goes in the project, when the study's pruner is one of
    Optuna's own (the default MedianPruner included, when `pruner=` is left out).

    ## Why is this bad?
    Every Optuna pruner except a user-defined one decides from the intermediate values the
    trial reported. With none reported, `should_prune()` is always false: the check reads as
    pruning, and no trial is ever pruned.

    ## Known problems
    User-defined pruners (subclasses of `BasePruner`) may decide from something else, and
    pruners the linter cannot resolve may be such classes: the rule stays silent for both, and
    for studies with several directions, which cannot prune at all.

    ## Example
    ```python
    for epoch in range(50):
        metric = fit_one_epoch(params)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return metric
    ```

    ## Use instead
    ```python
    for epoch in range(50):
        metric = fit_one_epoch(params)
        trial.report(metric, epoch)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return metric
    ```

    ## Fix safety
    The fix is unsafe: it guesses the value to report (the one the objective returns, bound on
    every pass through the training loop) and the step (the loop index), and once reports
    arrive the pruner starts pruning trials. It is offered when the check is the last
    statement of that loop in the objective itself.
    """

    code = "OPL102"
    name = "prune-check-without-report"
    summary = (
        "`should_prune()` is called but the trial never reports, and the study's pruner is one "
        "of Optuna's own except `NopPruner` (the default MedianPruner included), so the check "
        "is always false"
    )
    fix_summary = "unsafe: report the returned value at the loop index just before the check"
    fix_availability = "unsafe"

    def check(self, context: RuleContext) -> Iterator[Finding]:
        reported: set[int] = set()
        for objective in context.project.objectives_reaching(context.path):
            if not self._applies(objective):
                continue
            for holder, call in context.project.calls_reached(objective.holder, "should_prune"):
                if holder.path != context.path or call.span.start_offset in reported:
                    continue
                reported.add(call.span.start_offset)
                fix = self._fix(objective, call) if holder.function is objective.function else None
                yield Finding(
                    code=self.code,
                    name=self.name,
                    message=(
                        f"`{call.receiver}.should_prune()` is asked, but the trial never "
                        f"reports: the study's {describe_pruner(objective.pruner)} decides from "
                        "reported values, so the check is always false"
                    ),
                    filename=context.display_path,
                    span=call.span,
                    fix=fix,
                )

    @staticmethod
    def _applies(objective: Objective) -> bool:
        return (
            objective.study.direction_count == 1
            and objective.pruner.kind != "custom"
            and has_pruner(objective.pruner, assume_default_pruner=True) is Answer.YES
            and objective.use.reports is Answer.NO
        )

    @staticmethod
    def _fix(objective: Objective, call: TrialCall) -> Fix | None:
        insertion = objective.function.report_insertion
        check = _check_of(objective.function.checks, call)
        if insertion is None or check is None:
            return None
        if check.span.start_offset != insertion.last_statement_start:
            return None
        line_start = check.span.start_offset - (check.span.start.column - 1)
        value = f"float({insertion.value})" if insertion.value_is_tensor else insertion.value
        report = (
            f"{insertion.indent}{objective.trial_variable}.report({value}, {insertion.step})"
            f"{insertion.newline}"
        )
        return Fix(
            message=f"Report `{value}` at step `{insertion.step}` before the check",
            applicability=Applicability.UNSAFE,
            edits=(Edit(line_start, line_start, report),),
        )


def _check_of(checks: tuple[PruneCheck, ...], call: TrialCall) -> PruneCheck | None:
    """The `if` whose test holds the call."""
    for check in checks:
        if check.span.start_offset <= call.span.start_offset < check.span.end_offset:
            return check
    return None
