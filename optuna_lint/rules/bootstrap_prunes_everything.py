"""OPL404: a successive-halving pruner with `bootstrap_count` prunes the first trials of
every rung."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.findings import Finding
from optuna_lint.rules.base import Rule, RuleContext
from optuna_lint.rules.pruner_settings import valid_arguments

_HALVING_PRUNERS = frozenset({"SuccessiveHalvingPruner", "HyperbandPruner"})


class BootstrapPrunesEverything(Rule):
    """## What it does
    Finds a `SuccessiveHalvingPruner` or `HyperbandPruner` built with a `bootstrap_count`
    above 0.

    ## Why is this bad?
    A trial that reaches a rung is pruned as long as no more than `bootstrap_count` trials
    (itself included) have reached that rung. The first trials at every rung are therefore all
    pruned, whatever their values, and in a small study nearly every trial is: on Optuna 5.1,
    `SuccessiveHalvingPruner(min_resource=1, bootstrap_count=2)` pruned every trial of a
    12-trial study. The option is meant for large studies that want a few results at a rung
    before promoting anyone.

    ## Known problems
    The rule does not know how many trials the study will run: in a study of thousands of
    trials a small `bootstrap_count` costs little, and the finding can be suppressed there.

    ## Example
    ```python
    pruner = optuna.pruners.SuccessiveHalvingPruner(min_resource=1, bootstrap_count=2)
    ```

    ## Use instead
    ```python
    pruner = optuna.pruners.SuccessiveHalvingPruner(min_resource=1)
    ```

    ## Fix safety
    There is no fix: removing the option changes which trials survive, which only the author
    can weigh.

    ## References
    - [`SuccessiveHalvingPruner`](https://optuna.readthedocs.io/en/stable/reference/generated/optuna.pruners.SuccessiveHalvingPruner.html)
    """

    code = "OPL404"
    name = "bootstrap-prunes-everything"
    summary = (
        "`SuccessiveHalvingPruner`/`HyperbandPruner` with `bootstrap_count > 0` (valid "
        "arguments): until that many trials reach a rung, every trial there is pruned"
    )

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for construction in context.facts.pruners:
            if construction.class_name not in _HALVING_PRUNERS:
                continue
            bound = valid_arguments(construction)
            if bound is None or "bootstrap_count" not in bound.given:
                continue
            count = bound.values.get("bootstrap_count")
            if not isinstance(count, int) or count <= 0:
                continue
            trials = "trial has" if count == 1 else "trials have"
            yield Finding(
                code=self.code,
                name=self.name,
                message=(
                    f"`bootstrap_count={count}`: every trial that reaches a rung is pruned "
                    f"until more than {count} {trials} reached it, so the first trials "
                    "are all pruned, and in a small study nearly every trial is"
                ),
                filename=context.display_path,
                span=bound.given["bootstrap_count"],
            )
