"""OPL401: a pruner's warm-up lasts longer than the steps the objective reports."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.facts import StudyFacts
from optuna_lint.findings import Finding
from optuna_lint.linking import Objective
from optuna_lint.rules.base import Rule, RuleContext
from optuna_lint.rules.pruner_settings import (
    acting_pruners,
    construction_of,
    optimize_calls_of,
    valid_arguments,
)

_WARMUP_PRUNERS = frozenset({"MedianPruner", "PercentilePruner", "ThresholdPruner"})


class WarmupOutlastsTraining(Rule):
    """## What it does
    Finds a `MedianPruner`, `PercentilePruner` or `ThresholdPruner` (also inside a
    `PatientPruner`) whose `n_warmup_steps` is larger than every step its study's objective
    reports.

    ## Why is this bad?
    These pruners do not prune a trial whose last reported step is below `n_warmup_steps`: the
    first step that can be pruned is `n_warmup_steps` itself. When the training loop never gets
    there, the objective reports and checks at every step, and no trial is ever pruned.

    ## Known problems
    The rule only speaks when it knows every step reported: each `report`'s step is a literal,
    or the index of a `for` over `range(...)` whose bounds are literals or module constants,
    and the trial goes nowhere the linter cannot follow (integration pruning callbacks report
    steps of their own, so they keep it silent). A step computed in the call
    (`trial.report(loss, epoch + 1)`) is not read.

    ## Example
    ```python
    pruner = optuna.pruners.MedianPruner(n_warmup_steps=10)
    ...
    for epoch in range(10):
        trial.report(loss, epoch)  # steps 0 to 9
    ```

    ## Use instead
    ```python
    pruner = optuna.pruners.MedianPruner(n_warmup_steps=3)
    ```

    ## Fix safety
    There is no fix: how long to warm up is the author's choice.

    ## References
    - [`MedianPruner`](https://optuna.readthedocs.io/en/stable/reference/generated/optuna.pruners.MedianPruner.html)
    """

    code = "OPL401"
    name = "warmup-outlasts-training"
    summary = (
        "a Median, Percentile or Threshold pruner (also inside `PatientPruner`) has "
        "`n_warmup_steps=W` and every step the objective reports is below `W` (a literal, or "
        "the index of a `for` over `range(...)` with known bounds), so it never prunes"
    )

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for study in context.facts.studies:
            last_step = _last_reported_step(context, study)
            if last_step is None:
                continue
            for pruner in acting_pruners(context.project.pruner(context.path, study.pruner)):
                construction = construction_of(context.facts, pruner)
                if construction is None or construction.class_name not in _WARMUP_PRUNERS:
                    continue
                bound = valid_arguments(construction)
                if bound is None or "n_warmup_steps" not in bound.given:
                    continue
                warmup = bound.values.get("n_warmup_steps")
                if not isinstance(warmup, int) or last_step >= warmup:
                    continue
                yield Finding(
                    code=self.code,
                    name=self.name,
                    message=(
                        f"`n_warmup_steps={warmup}`, but the objective reports steps up to "
                        f"{last_step} only: the {construction.class_name} can first prune at "
                        f"step {warmup}, so it never prunes"
                    ),
                    filename=context.display_path,
                    span=bound.given["n_warmup_steps"],
                )


def _last_reported_step(context: RuleContext, study: StudyFacts) -> int | None:
    """The largest step any objective of the study reports, when every `optimize` call's
    objective is known and every step it reports has a known bound."""
    calls = optimize_calls_of(context.project, context.facts, study)
    objectives = _objectives_of(context, study)
    if not calls or len(objectives) != len(calls):
        return None
    last = None
    for objective in objectives:
        reports = context.project.every_report(objective.holder)
        if not reports or any(report.step_bound is None for report in reports):
            return None
        largest = max(report.step_bound for report in reports)
        last = largest if last is None else max(last, largest)
    return last


def _objectives_of(context: RuleContext, study: StudyFacts) -> list[Objective]:
    return [
        objective
        for objective in context.project.all_objectives()
        if objective.study is study and objective.study_path == context.path
    ]
