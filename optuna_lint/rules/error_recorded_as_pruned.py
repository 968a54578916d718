"""OPL111: a broad handler turns every error into a pruned trial."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.findings import Finding
from optuna_lint.rules.base import Rule, RuleContext


class ErrorRecordedAsPruned(Rule):
    """## What it does
    Finds a broad handler (`except:`, `Exception`, `BaseException`, `OptunaError`, or a tuple
    holding one) in an objective that raises `TrialPruned`.

    ## Why is this bad?
    Every error in the `try` block, a typo as much as CUDA running out of memory, is then
    stored as a PRUNED trial: the study looks healthy while trials fail, and the errors are
    hidden from the log and from `catch=`.

    ## Known problems
    Narrow handlers (`except (ValueError, FloatingPointError):` for a diverging loss) are a
    deliberate choice and are not reported, nor are broad handlers that also re-raise (pruning
    on one error, such as running out of memory, and raising the others).

    ## Example
    ```python
    try:
        loss = train(model)
    except Exception:
        raise optuna.TrialPruned()
    ```

    ## Use instead
    ```python
    try:
        loss = train(model)
    except FloatingPointError:
        raise optuna.TrialPruned()
    ```

    ## Fix safety
    There is no fix: which errors mean "prune" is the author's choice.
    """

    code = "OPL111"
    name = "error-recorded-as-pruned"
    summary = (
        "a broad handler in the objective raises `TrialPruned`, so genuine errors are stored "
        "as PRUNED and hidden"
    )

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for holder in context.project.entry_points(context.path):
            for tried in holder.function.tries:
                for handler in tried.handlers:
                    if (
                        handler.kind == "broad"
                        and handler.raises_trial_pruned is not None
                        # Pruning on one error and re-raising the others hides nothing.
                        and not handler.reraises
                    ):
                        yield Finding(
                            code=self.code,
                            name=self.name,
                            message=(
                                f"`{handler.written}` raises `TrialPruned`: every error in "
                                "the `try` block (a typo, CUDA out of memory) is stored as a "
                                "pruned trial and hidden"
                            ),
                            filename=context.display_path,
                            span=handler.raises_trial_pruned,
                        )
