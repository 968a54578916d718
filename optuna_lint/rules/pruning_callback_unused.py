"""OPL108: an integration pruning callback is created with the trial and never passed on."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.findings import Finding
from optuna_lint.linking import ClassTarget, ExternalTarget
from optuna_lint.optuna_api import is_integration_pruning_callback
from optuna_lint.rules.base import Rule, RuleContext


class PruningCallbackUnused(Rule):
    """## What it does
    Finds an Optuna integration pruning callback (`PyTorchLightningPruningCallback`,
    `XGBoostPruningCallback`, ... or a project class deriving from one) created with the trial
    and never passed on: a statement of its own, or bound to a name that nothing reads.

    ## Why is this bad?
    The callback reports and prunes only when the framework calls it. Left out of
    `callbacks=[...]`, it never runs: nothing is reported and no trial is pruned.

    ## Known problems
    A callback bound to a name that is read anywhere counts as passed on. CatBoost's callback,
    whose `check_pruned()` must be called after training, is not checked yet.

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
        "statement of its own, or bound to a name nothing reads)"
    )

    def check(self, context: RuleContext) -> Iterator[Finding]:
        project = context.project
        for holder in project.trial_holders(context.path):
            for handoff in holder.function.handoffs:
                if handoff.variable != holder.variable or handoff.passed_on:
                    continue
                target = project.resolve(
                    holder.path, holder.function.qualname, handoff.callee, holder.instance
                )
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
