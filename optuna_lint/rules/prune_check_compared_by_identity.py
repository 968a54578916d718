"""OPL112: `should_prune()` compared with `is True` / `is False`."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.facts import TrialCall
from optuna_lint.findings import Applicability, Edit, Finding, Fix
from optuna_lint.rules.base import Rule, RuleContext

# For each identity test, whether it holds when the pruner answers with a `numpy.bool_`.
_HOLDS = {"is True": False, "is False": False, "is not True": True, "is not False": True}


class PruneCheckComparedByIdentity(Rule):
    """## What it does
    Finds `trial.should_prune()` compared by identity with `True` or `False` (`is True`,
    `is False`, `is not True`, `is not False`), wherever the trial goes.

    ## Why is this bad?
    Median and Percentile pruners answer with a `numpy.bool_` from their final comparison,
    which is never the object `True` or `False`. Once a pruner gets past its startup and warm-up
    steps, `is True` and `is False` never hold (pruning is silently off), and `is not True` and
    `is not False` always hold (every such trial is pruned).

    ## Known problems
    Before a pruner's warm-up ends it answers with a Python `bool`, so the mistake shows only
    later in a study.

    ## Example
    ```python
    if trial.should_prune() is True:
        raise optuna.TrialPruned()
    ```

    ## Use instead
    ```python
    if trial.should_prune():
        raise optuna.TrialPruned()
    ```

    ## Fix safety
    The fix is safe: it uses the truth value itself, which is what the comparison meant
    (`trial.should_prune()` for `is True` and `is not False`, `not trial.should_prune()` for
    `is False` and `is not True`).
    """

    code = "OPL112"
    name = "prune-check-compared-by-identity"
    summary = (
        "the result of `should_prune()` is compared by identity (`is True`, `is False`, "
        "`is not True`, `is not False`), which a `numpy.bool_` answer never or always satisfies"
    )
    fix_summary = "safe: use the truth value itself"
    fix_availability = "safe"

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for holder in context.project.trial_holders(context.path):
            for call in holder.function.trial_calls:
                if call.receiver == holder.variable and call.identity in _HOLDS:
                    effect = (
                        "always holds: every trial is pruned"
                        if _HOLDS[call.identity]
                        else "never holds: pruning is silently off"
                    )
                    yield Finding(
                        code=self.code,
                        name=self.name,
                        message=(
                            f"`{call.receiver}.should_prune() {call.identity}` compares by "
                            "identity: Median and Percentile pruners answer with a "
                            f"`numpy.bool_`, so once they decide, the test {effect}"
                        ),
                        filename=context.display_path,
                        span=call.comparison_span,
                        fix=self._fix(call),
                    )

    @staticmethod
    def _fix(call: TrialCall) -> Fix:
        truth = call.identity in ("is True", "is not False")
        text = f"{'' if truth else 'not '}{call.receiver}.should_prune()"
        span = call.comparison_span
        return Fix(
            message=f"Use `{text}`",
            applicability=Applicability.SAFE,
            edits=(Edit(span.start_offset, span.end_offset, text),),
        )
