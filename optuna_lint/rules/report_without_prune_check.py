"""OPL103: the trial reports, but nothing ever asks whether to prune."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.facts import TrialCall
from optuna_lint.findings import Applicability, Edit, Finding, Fix
from optuna_lint.fix_text import prune_check, trial_pruned_reference
from optuna_lint.linking import Answer, Objective, TrialHolder
from optuna_lint.rules.base import Rule, RuleContext, describe_pruner, has_pruner


class ReportWithoutPruneCheck(Rule):
    """## What it does
    Finds objectives of a study with a pruner that call `trial.report(...)` but never
    `trial.should_prune()`, neither themselves nor anywhere the trial goes in the project.

    ## Why is this bad?
    Reporting only stores intermediate values. A pruner acts when the objective asks
    `should_prune()` and raises `TrialPruned`; without the check every trial trains to the end,
    and the time the pruner was meant to save is spent.

    ## Known problems
    When the trial is handed to code the linter cannot see, the rule stays silent, since that
    code may check. A study without `pruner=` is only checked with `assume-default-pruner`.

    ## Example
    ```python
    for step in range(100):
        loss = train_step(size, step)
        trial.report(loss, step)
    return loss
    ```

    ## Use instead
    ```python
    for step in range(100):
        loss = train_step(size, step)
        trial.report(loss, step)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return loss
    ```

    ## Fix safety
    The fix is unsafe: it inserts the check and raise right after the last `report` call, and
    from then on trials are pruned, and code after the report no longer runs for them. It is
    offered when that call is a statement of its own.
    """

    code = "OPL103"
    name = "report-without-prune-check"
    summary = (
        "the study has a pruner and the objective reports, but never calls `should_prune`, so "
        "reports are stored and nothing is pruned"
    )
    fix_summary = "unsafe: insert the check and raise right after the last `report`"
    fix_availability = "unsafe"

    def check(self, context: RuleContext) -> Iterator[Finding]:
        reported: set[int] = set()
        for objective in context.project.objectives_reaching(context.path):
            if not self._applies(objective, context):
                continue
            anchor = self._anchor(objective, context)
            if anchor is None:
                continue
            holder, call = anchor
            if holder.path != context.path or call.span.start_offset in reported:
                continue
            reported.add(call.span.start_offset)
            yield Finding(
                code=self.code,
                name=self.name,
                message=(
                    f"Objective `{objective.function.display_name}` reports to its study's "
                    f"{describe_pruner(objective.pruner)} but never calls "
                    f"`{call.receiver}.should_prune()`: values are stored and no trial is ever "
                    "pruned"
                ),
                filename=context.display_path,
                span=call.span,
                fix=self._fix(call, context),
            )

    @staticmethod
    def _applies(objective: Objective, context: RuleContext) -> bool:
        return (
            objective.study.direction_count == 1
            and has_pruner(objective.pruner, context.settings.assume_default_pruner) is Answer.YES
            and objective.use.reports is Answer.YES
            and objective.use.checks is Answer.NO
        )

    @staticmethod
    def _anchor(objective: Objective, context: RuleContext) -> tuple[TrialHolder, TrialCall] | None:
        """The last `report` in the objective's own body, else in the first helper reporting."""
        reports = context.project.calls_reached(objective.holder, "report")
        own = [(h, c) for h, c in reports if h.function is objective.function]
        if own:
            return max(own, key=lambda pair: pair[1].span.start_offset)
        if not reports:
            return None
        first = reports[0][0]
        return max(
            ((h, c) for h, c in reports if h == first), key=lambda pair: pair[1].span.start_offset
        )

    @staticmethod
    def _fix(call: TrialCall, context: RuleContext) -> Fix | None:
        if call.statement_end is None:
            return None
        names = context.facts.names
        trial_pruned, import_edits = trial_pruned_reference(names)
        text = prune_check(
            call.receiver, trial_pruned, call.indent, names.indent_unit, names.newline
        )
        return Fix(
            message="Check `should_prune()` and raise after the report",
            applicability=Applicability.UNSAFE,
            edits=(*import_edits, Edit(call.statement_end, call.statement_end, text)),
        )
