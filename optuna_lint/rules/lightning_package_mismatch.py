"""OPL408: optuna_integration's Lightning callback given to a `pytorch_lightning` trainer."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.findings import Finding
from optuna_lint.rules.base import Rule, RuleContext


class LightningPackageMismatch(Rule):
    """## What it does
    Finds a `PyTorchLightningPruningCallback` from `optuna_integration` handed to a `Trainer`
    of the older `pytorch_lightning` package.

    ## Why is this bad?
    `optuna_integration`'s callback is built on `lightning.pytorch`, the package Lightning is
    now published as. `pytorch_lightning` has its own `Callback` class, and its trainer rejects
    a callback of the other package, so the study fails before the first trial trains.

    ## Known problems
    Only a callback written in the trainer's `callbacks=[...]` (directly, or through a name bound
    to it once) is checked. The deprecated `optuna.integration` spelling is left alone: in old
    Optuna releases it was built on `pytorch_lightning`.

    ## Example
    ```python
    import pytorch_lightning as pl
    from optuna_integration import PyTorchLightningPruningCallback

    trainer = pl.Trainer(callbacks=[PyTorchLightningPruningCallback(trial, monitor="val_loss")])
    ```

    ## Use instead
    ```python
    import lightning.pytorch as pl
    from optuna_integration import PyTorchLightningPruningCallback

    trainer = pl.Trainer(callbacks=[PyTorchLightningPruningCallback(trial, monitor="val_loss")])
    ```

    ## Fix safety
    There is no fix: moving to `lightning.pytorch` changes every Lightning import of the
    project, the LightningModules' included.
    """

    code = "OPL408"
    name = "lightning-package-mismatch"
    summary = (
        "`optuna_integration.PyTorchLightningPruningCallback` (built on `lightning.pytorch`) is "
        "given to a `Trainer` of the older `pytorch_lightning` package"
    )

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for use in context.facts.pruning_callbacks:
            host = use.host
            if (
                host is None
                or not use.qualified.startswith("optuna_integration.")
                or not use.qualified.endswith(".PyTorchLightningPruningCallback")
                or host.callee.kind != "qualified"
                or not host.callee.name.startswith("pytorch_lightning.")
                or not host.callee.name.endswith(".Trainer")
            ):
                continue
            yield Finding(
                code=self.code,
                name=self.name,
                message=(
                    "`PyTorchLightningPruningCallback` from `optuna_integration` is built on "
                    "`lightning.pytorch`, but it is given to a `pytorch_lightning` `Trainer`, "
                    "which rejects it: import the trainer from `lightning.pytorch`"
                ),
                filename=context.display_path,
                span=use.span,
            )
