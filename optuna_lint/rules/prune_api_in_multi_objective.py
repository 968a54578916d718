"""OPL301: pruning asked of a multi-objective study, which Optuna cannot do."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.facts import TrialCall
from optuna_lint.findings import Finding
from optuna_lint.linking import Answer, TrialHolder
from optuna_lint.rules.base import Rule, RuleContext, describe_pruner, has_pruner


def _guarded(call: TrialCall, holder: TrialHolder) -> bool:
    """Whether the call runs only under a test of the study's `directions`, or of a parameter
    of its function other than the trial (`if not multi_objective:`, set by the caller or by
    `functools.partial`)."""
    parameters = {p.name for p in holder.function.parameters} - {holder.variable}
    return "directions" in call.guard_names or bool(call.guard_names & parameters)


# How messages write each call's arguments.
_ARGUMENTS = {"report": "...", "should_prune": ""}


class PruneApiInMultiObjective(Rule):
    """## What it does
    Finds `trial.report(...)` and `trial.should_prune()` in objectives of a study created with
    two or more `directions`, wherever the trial goes, and a pruner other than `NopPruner`
    given to such a study.

    ## Why is this bad?
    Optuna does not prune multi-objective studies: `report` and `should_prune` raise
    `NotImplementedError` there, so every trial fails at its first report, and a pruner given
    to the study can never act.

    ## Known problems
    A call guarded by a test that reads the study's `directions` (`if len(study.directions)
    == 1:`) or a parameter of its function (`if not multi_objective:`) is taken as written for
    both kinds of study and is not reported. `directions=`
    that is not a literal list is not checked.

    ## Example
    ```python
    def objective(trial):
        for step in range(10):
            error, latency = evaluate(step)
            trial.report(error, step)
        return error, latency

    optuna.create_study(directions=["minimize", "minimize"]).optimize(objective)
    ```

    ## Use instead
    ```python
    def objective(trial):
        for step in range(10):
            error, latency = evaluate(step)
        return error, latency

    optuna.create_study(directions=["minimize", "minimize"]).optimize(objective)
    ```

    ## Fix safety
    There is no fix: whether to drop the reports or to optimise a single objective is the
    author's choice.
    """

    code = "OPL301"
    name = "prune-api-in-multi-objective"
    summary = (
        "`report` or `should_prune` is used by an objective of a study with two or more "
        "`directions` (Optuna raises `NotImplementedError`), or such a study gets a pruner "
        "other than `NopPruner`"
    )

    def check(self, context: RuleContext) -> Iterator[Finding]:
        reported: set[int] = set()
        for objective in context.project.objectives_reaching(context.path):
            directions = objective.study.direction_count
            if directions is None or directions < 2:
                continue
            for method in ("report", "should_prune"):
                for holder, call in context.project.calls_reached(objective.holder, method):
                    if (
                        holder.path != context.path
                        or _guarded(call, holder)
                        or call.span.start_offset in reported
                    ):
                        continue
                    reported.add(call.span.start_offset)
                    yield Finding(
                        code=self.code,
                        name=self.name,
                        message=(
                            f"`{call.receiver}.{method}({_ARGUMENTS[method]})` in an objective "
                            "of a study with "
                            f"{directions} directions: Optuna raises `NotImplementedError`, "
                            "since multi-objective studies cannot be pruned"
                        ),
                        filename=context.display_path,
                        span=call.span,
                    )
        for study in context.facts.studies:
            directions = study.direction_count
            if directions is None or directions < 2 or study.pruner_argument is None:
                continue
            pruner = context.project.pruner(context.path, study.pruner)
            if has_pruner(pruner, assume_default_pruner=False) is Answer.YES:
                yield Finding(
                    code=self.code,
                    name=self.name,
                    message=(
                        f"A study with {directions} directions is given a "
                        f"{describe_pruner(pruner)}: Optuna never prunes multi-objective "
                        "studies, so it can never act"
                    ),
                    filename=context.display_path,
                    span=study.pruner_argument,
                )
