"""OPL106: the objective reports and checks only once its training loop is over."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.findings import Finding
from optuna_lint.linking import Answer, Objective
from optuna_lint.rules.base import Rule, RuleContext, has_pruner


class PruneCheckAfterTraining(Rule):
    """## What it does
    Finds objectives of a single-objective study with a pruner whose `report` and
    `should_prune` calls (their own, or in the helpers, nested functions and objects the trial
    goes to) all run outside the training loops, while the objective or those helpers do have
    a loop: the trial is judged only once training is over.

    ## Why is this bad?
    Pruning saves time by stopping a trial between epochs. Reporting and checking after the
    loop can only stop a trial whose epochs have all run, so pruning saves nothing.

    ## Known problems
    Calls in nested functions and in methods of objects holding the trial count as inside a
    loop, since where they are called from is not followed; so do calls in helpers called from
    a loop. Objectives whose training runs in a framework driven by an Optuna pruning callback,
    and objectives whose trial goes where the linter cannot see, are not reported.

    ## Example
    ```python
    for epoch in range(50):
        loss = train_epoch(model)
    trial.report(loss, 50)
    if trial.should_prune():
        raise optuna.TrialPruned()
    return loss
    ```

    ## Use instead
    ```python
    for epoch in range(50):
        loss = train_epoch(model)
        trial.report(loss, epoch)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return loss
    ```

    ## Fix safety
    There is no fix: moving the calls into the loop needs a value and a step for each pass.
    """

    code = "OPL106"
    name = "prune-check-after-training"
    summary = (
        "a single-objective study with a pruner, whose objective reports or checks only after "
        "its loops (its own or its helpers') have finished"
    )

    def check(self, context: RuleContext) -> Iterator[Finding]:
        reported: set[int] = set()
        for objective in context.project.objectives(context.path):
            if objective.function.span.start_offset in reported or not self._applies(
                objective, context
            ):
                continue
            anchor = self._anchor(objective, context)
            if anchor is None:
                continue
            reported.add(objective.function.span.start_offset)
            yield Finding(
                code=self.code,
                name=self.name,
                message=(
                    f"Objective `{objective.function.display_name}` reports and checks only "
                    "after its training loop has finished: the pruner can only stop a trial "
                    "whose epochs have all run"
                ),
                filename=context.display_path,
                span=anchor,
            )

    @staticmethod
    def _applies(objective: Objective, context: RuleContext) -> bool:
        use = objective.use
        return (
            objective.study.direction_count == 1
            and has_pruner(objective.pruner, context.settings.assume_default_pruner) is Answer.YES
            and Answer.UNKNOWN not in (use.reports, use.checks)
            and Answer.YES in (use.reports, use.checks)
        )

    @staticmethod
    def _anchor(objective: Objective, context: RuleContext):
        """The objective's first `should_prune` (else `report`) in the linted file, when every
        such call of the trial's path runs outside the loops; None otherwise."""
        project = context.project
        reaches = project.reaches(objective.holder)
        if any(project.passes_pruning_callback(reach.holder) for reach in reaches):
            return None
        if not any(reach.holder.function.loop_spans for reach in reaches):
            return None
        calls = []
        for reach in reaches:
            holder = reach.holder
            for call in holder.function.trial_calls:
                if call.receiver != holder.variable or call.method not in (
                    "report",
                    "should_prune",
                ):
                    continue
                if reach.in_loop or call.loops:
                    return None
                if holder.path == context.path:
                    calls.append(call)
        checks = [call for call in calls if call.method == "should_prune"]
        chosen = checks or calls
        return min(chosen, key=lambda call: call.span.start_offset).span if chosen else None
