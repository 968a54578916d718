"""OPL403: a pruner's arguments make its constructor raise."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.findings import Finding, Span
from optuna_lint.pruner_constraints import bind, violations
from optuna_lint.rules.base import Rule, RuleContext


class PrunerArgumentsInvalid(Rule):
    """## What it does
    Finds a pruner of `optuna.pruners` built with arguments its constructor rejects:
    `ThresholdPruner()` with neither `lower` nor `upper`, `lower` above `upper`, a `percentile`
    outside 0 to 100, a negative `n_startup_trials`, `n_warmup_steps`, `patience` or
    `min_delta`, an `interval_steps` or `n_min_trials` below 1, a `SuccessiveHalvingPruner`
    whose `reduction_factor` is below 2 or `min_resource` below 1, a `bootstrap_count` above 0
    while `min_resource` (successive halving) or `max_resource` (Hyperband) is left at
    `"auto"`, a `p_threshold` outside 0 to 1, or a required argument left out.

    ## Why is this bad?
    The constructor raises `ValueError` or `TypeError`, so the script stops before its first
    trial: often after loading data or building a model, and on every worker of a distributed
    run.

    ## Known problems
    Only values written as literals, module constants or simple arithmetic of them are read;
    a value from a configuration, an argument or a call is not. The constraints are those of the
    installed Optuna (5.1 when this was written), checked by the project's tests against the
    constructors themselves; older versions may accept some of these values.

    ## Example
    ```python
    pruner = optuna.pruners.SuccessiveHalvingPruner(bootstrap_count=2)
    ```

    ## Use instead
    ```python
    pruner = optuna.pruners.SuccessiveHalvingPruner(min_resource=1, bootstrap_count=2)
    ```

    ## Fix safety
    There is no fix: which value was meant is the author's choice.

    ## References
    - [`optuna.pruners`](https://optuna.readthedocs.io/en/stable/reference/pruners.html)
    """

    code = "OPL403"
    name = "pruner-arguments-invalid"
    summary = (
        "a pruner's literal arguments make its constructor raise, as the project's table of "
        "constraints (checked against the installed Optuna by its tests) says: no bound for "
        "`ThresholdPruner`, a negative count, a `percentile` outside 0..100, "
        '`bootstrap_count > 0` with an `"auto"` resource, a required argument left out...'
    )

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for construction in context.facts.pruners:
            bound = bind(construction)
            if bound is None:
                continue
            class_name = construction.class_name
            for missing in bound.missing:
                yield self._finding(
                    context,
                    f"`{class_name}` raises `TypeError` when it is built: its required "
                    f"argument `{missing}` is left out",
                    construction.span,
                )
            anchored = set()
            for constraint in violations(class_name, bound.values):
                blamed = constraint.parameters[0]
                span = construction.span
                if not constraint.at_call and blamed in bound.given:
                    span = bound.given[blamed]
                elif not constraint.at_call and len(constraint.parameters) > 1:
                    # A default is to blame only with the other value: anchor that one.
                    span = bound.given.get(constraint.parameters[1], construction.span)
                if span.start_offset in anchored:
                    continue
                anchored.add(span.start_offset)
                yield self._finding(
                    context,
                    f"`{class_name}` raises `{constraint.exception}` when it is built: "
                    f"{constraint.reason}",
                    span,
                )

    def _finding(self, context: RuleContext, message: str, span: Span) -> Finding:
        return Finding(
            code=self.code,
            name=self.name,
            message=message,
            filename=context.display_path,
            span=span,
        )
