"""OPL402: a Median or Percentile pruner waits for more startup trials than the study runs."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.facts import StudyFacts
from optuna_lint.findings import Finding
from optuna_lint.rules.base import Rule, RuleContext
from optuna_lint.rules.pruner_settings import (
    acting_pruners,
    construction_of,
    optimize_calls_of,
    runs_once,
    valid_arguments,
)

_STARTUP_PRUNERS = frozenset({"MedianPruner", "PercentilePruner"})


class StartupOutlastsStudy(Rule):
    """## What it does
    Finds a `MedianPruner` or `PercentilePruner` (also inside a `PatientPruner`) given an
    explicit `n_startup_trials` at least as large as the number of trials its study runs: the
    `n_trials` of all the study's `optimize` calls added up.

    ## Why is this bad?
    These pruners prune nothing until `n_startup_trials` trials have completed. A study that
    runs no more trials than that never gets there: every report and prune check is paid for,
    and no trial is ever pruned.

    ## Known problems
    The rule stays silent unless it sees every trial the study runs: a study given `storage=`
    or `load_if_exists` (other processes may add trials), `optimize` calls without a known
    `n_trials`, or in a loop, or in another function than the one creating the study, and
    when the study's variable is used anywhere in the module other than to read its attributes
    or call `optimize` (handed to a helper, bound to a second name, `study.optimize` given to
    threads or to joblib's `delayed`), since that code may run more trials. Finished trials
    added with `add_trial` are not counted.

    ## Example
    ```python
    study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=20))
    study.optimize(objective, n_trials=20)
    ```

    ## Use instead
    ```python
    study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=5))
    study.optimize(objective, n_trials=20)
    ```

    ## Fix safety
    There is no fix: how many trials to wait for, or whether to prune at all (`NopPruner()`),
    is the author's choice.

    ## References
    - [`MedianPruner`](https://optuna.readthedocs.io/en/stable/reference/generated/optuna.pruners.MedianPruner.html)
    """

    code = "OPL402"
    name = "startup-outlasts-study"
    summary = (
        "a Median or Percentile pruner has an explicit `n_startup_trials` at least the total "
        "`n_trials` of its study's `optimize` calls (a study without `storage=` or "
        "`load_if_exists`), so nothing is ever pruned"
    )

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for study in context.facts.studies:
            if (
                study.factory != "create_study"
                or study.has_storage
                or study.load_if_exists is not None
                or study.unpacked_arguments
                or study.handed_on  # other code may run more trials on it
            ):
                continue
            total = _trial_budget(context, study)
            if total is None:
                continue
            for pruner in acting_pruners(study.pruner):
                construction = construction_of(context.facts, pruner)
                if construction is None or construction.class_name not in _STARTUP_PRUNERS:
                    continue
                bound = valid_arguments(construction)
                if bound is None or "n_startup_trials" not in bound.given:
                    continue
                startup = bound.values.get("n_startup_trials")
                if not isinstance(startup, int) or total > startup:
                    continue
                yield Finding(
                    code=self.code,
                    name=self.name,
                    message=(
                        f"`n_startup_trials={startup}`, and the study runs {total} "
                        f"{'trial' if total == 1 else 'trials'}: the {construction.class_name} "
                        f"prunes nothing before {startup} trials complete, so it never prunes; "
                        f"use a `n_startup_trials` below {total}, or `NopPruner()` if no pruning "
                        "is meant"
                    ),
                    filename=context.display_path,
                    span=bound.given["n_startup_trials"],
                )


def _trial_budget(context: RuleContext, study: StudyFacts) -> int | None:
    """The trials the study runs, when every `optimize` call of it is seen, runs once and has
    a known `n_trials`."""
    if any(
        function.qualname == study.scope and study.binding in function.returned
        for function in context.facts.functions
    ):
        return None  # the caller may run more trials on the study it gets
    calls = optimize_calls_of(context.project, context.facts, study)
    if not calls or any(c.n_trials is None or not runs_once(c, study) for c in calls):
        return None
    return sum(call.n_trials for call in calls)
