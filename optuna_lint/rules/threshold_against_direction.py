"""OPL405: a `ThresholdPruner` with one bound, on the side where the study's best trials are."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.findings import Finding
from optuna_lint.rules.base import Rule, RuleContext
from optuna_lint.rules.pruner_settings import acting_pruners, construction_of, valid_arguments


class ThresholdAgainstDirection(Rule):
    """## What it does
    Finds a `ThresholdPruner` with only `upper` on a study that maximises, or only `lower` on a
    study that minimises (the default).

    ## Why is this bad?
    `ThresholdPruner` ignores the study's direction: it prunes a trial whose reported value is
    above `upper` or below `lower`. With the bound on the side the study optimises towards, it
    prunes the best trials and keeps the worst.

    ## Known problems
    The rule assumes the objective reports the value it returns, or one that moves the same way.
    A study that minimises a loss while reporting an accuracy (or the other way round) is
    reported wrongly; suppress the finding there. Only literal bounds and directions are read.

    ## Example
    ```python
    study = optuna.create_study(
        direction="maximize", pruner=optuna.pruners.ThresholdPruner(upper=0.9)
    )
    ```

    ## Use instead
    ```python
    study = optuna.create_study(
        direction="maximize", pruner=optuna.pruners.ThresholdPruner(lower=0.1)
    )
    ```

    ## Fix safety
    There is no fix: which bound was meant, and its value, are the author's choice.

    ## References
    - [`ThresholdPruner`](https://optuna.readthedocs.io/en/stable/reference/generated/optuna.pruners.ThresholdPruner.html)
    """

    code = "OPL405"
    name = "threshold-against-direction"
    summary = (
        "a `ThresholdPruner` with only `upper` on a study that maximises, or only `lower` on "
        "one that minimises: it ignores the direction and prunes the best trials"
    )

    def check(self, context: RuleContext) -> Iterator[Finding]:
        reported = set()
        for study in context.facts.studies:
            if study.direction is None or study.direction_count != 1:
                continue
            # A loaded study keeps the direction stored with it, which the code does not show.
            if study.factory == "load_study" or (study.has_storage and study.load_if_exists):
                continue
            for pruner in acting_pruners(study.pruner):
                construction = construction_of(context.facts, pruner)
                if construction is None or construction.class_name != "ThresholdPruner":
                    continue
                bound = valid_arguments(construction)
                if bound is None:
                    continue
                keyword = "upper" if study.direction == "maximize" else "lower"
                other = "lower" if keyword == "upper" else "upper"
                value = bound.values.get(keyword)
                if value is None or bound.values.get(other, 0) is not None:
                    continue
                span = bound.given[keyword]
                if span.start_offset in reported:
                    continue
                reported.add(span.start_offset)
                yield Finding(
                    code=self.code,
                    name=self.name,
                    message=_message(keyword, value, study.direction),
                    filename=context.display_path,
                    span=span,
                )


def _message(keyword: str, value: object, direction: str) -> str:
    side = "above" if keyword == "upper" else "below"
    study = "maximises" if direction == "maximize" else "minimises"
    return (
        f"`ThresholdPruner` has only `{keyword}={value!r}`, and the study {study}: it prunes "
        f"trials whose value is {side} {value!r}, the best ones"
    )
