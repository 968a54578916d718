"""OPL108: an integration pruning callback is created with the trial and never passed on."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.facts import FunctionFacts, TrialHandoff
from optuna_lint.findings import Finding
from optuna_lint.linking import ClassTarget, ExternalTarget
from optuna_lint.optuna_api import is_integration_pruning_callback
from optuna_lint.rules.base import Rule, RuleContext


class PruningCallbackUnused(Rule):
    """## What it does
    Finds an Optuna integration pruning callback (`PyTorchLightningPruningCallback`,
    `XGBoostPruningCallback`, ... or a project class deriving from one) created with the trial
    and never passed on: a statement of its own, or bound to a name that nothing reads. Also
    finds a `CatBoostPruningCallback` whose `check_pruned()` is never called after training.

    ## Why is this bad?
    The callback reports and prunes only when the framework calls it. Left out of
    `callbacks=[...]`, it never runs: nothing is reported and no trial is pruned. CatBoost
    cannot raise from a callback, so its callback only records the decision, and
    `check_pruned()` must raise it once `fit` returns.

    ## Known problems
    A callback bound to a name that is read anywhere counts as passed on.

    ## Example
    ```python
    callback = PyTorchLightningPruningCallback(trial, monitor="val_loss")
    trainer = pl.Trainer(max_epochs=10)
    trainer.fit(model)
    ```

    ## Use instead
    ```python
    callback = PyTorchLightningPruningCallback(trial, monitor="val_loss")
    trainer = pl.Trainer(max_epochs=10, callbacks=[callback])
    trainer.fit(model)
    ```

    ## Fix safety
    There is no fix: where the callback belongs depends on the framework.
    """

    code = "OPL108"
    name = "pruning-callback-unused"
    summary = (
        "an integration pruning callback is created with the trial but never passed on (a "
        "statement of its own, or bound to a name nothing reads), or a CatBoost pruning "
        "callback's `check_pruned()` is never called"
    )

    def check(self, context: RuleContext) -> Iterator[Finding]:
        project = context.project
        for holder in project.trial_holders(context.path):
            for handoff in holder.function.handoffs:
                if handoff.variable != holder.variable:
                    continue
                target = project.resolve(
                    holder.path, holder.function.qualname, handoff.callee, holder.instance
                )
                if handoff.passed_on:
                    if _catboost_unchecked(target, handoff, holder.function):
                        yield Finding(
                            code=self.code,
                            name=self.name,
                            message=(
                                "`CatBoostPruningCallback(...)` is used, but its "
                                "`check_pruned()` is never called after training: CatBoost "
                                "cannot raise from a callback, so pruned trials end COMPLETE"
                            ),
                            filename=context.display_path,
                            span=handoff.span,
                        )
                    continue
                if isinstance(target, ExternalTarget) and is_integration_pruning_callback(
                    target.qualified
                ):
                    name = target.qualified.rsplit(".", 1)[-1]
                elif isinstance(target, ClassTarget) and project.is_pruning_callback_class(target):
                    name = target.cls.name
                else:
                    continue
                yield Finding(
                    code=self.code,
                    name=self.name,
                    message=(
                        f"`{name}(...)` is created with the trial but never passed on to the "
                        "framework: it never runs, so nothing is reported or pruned"
                    ),
                    filename=context.display_path,
                    span=handoff.span,
                )


def _catboost_unchecked(target, handoff: TrialHandoff, function: FunctionFacts) -> bool:
    """A CatBoost pruning callback whose `check_pruned()` the function never calls."""
    if not (
        isinstance(target, ExternalTarget) and target.qualified.endswith(".CatBoostPruningCallback")
    ):
        return False
    # Any `check_pruned` in the function (`callbacks[0].check_pruned()`, a bound method), or
    # the callback handed to another call, may be the check: only its absence is reported.
    if "check_pruned" in function.attribute_names:
        return False
    binding = handoff.binding
    return binding is None or not any(h.variable == binding for h in function.handoffs)
