"""OPL408: optuna_integration's Lightning callback given to a `pytorch_lightning` trainer."""

from __future__ import annotations

from conftest import assert_fix, lint

CODE = """\
import {package} as pl
from {integration} import PyTorchLightningPruningCallback


def objective(trial):
    callback = PyTorchLightningPruningCallback(trial, monitor="val_loss")
    trainer = pl.Trainer(callbacks=[callback])
    trainer.fit(model)
    return 0.0
"""

MESSAGE = (
    "`PyTorchLightningPruningCallback` from `optuna_integration` is built on "
    "`lightning.pytorch`, but it is given to a `pytorch_lightning` `Trainer`, which rejects it: "
    "import the trainer from `lightning.pytorch`"
)


def test_callback_given_to_a_pytorch_lightning_trainer_is_reported_without_a_fix() -> None:
    code = CODE.format(package="pytorch_lightning", integration="optuna_integration")
    assert lint(code) == [("OPL408", 6, 16, MESSAGE)]
    assert_fix(code, code, unsafe=True)


def test_lightning_pytorch_trainer_and_the_old_optuna_spelling_are_silent() -> None:
    assert lint(CODE.format(package="lightning.pytorch", integration="optuna_integration")) == []
    old = CODE.format(package="pytorch_lightning", integration="optuna.integration")
    assert [code for code, *_ in lint(old)] == ["OPL308"]


def test_callback_given_to_an_unseen_trainer_is_silent() -> None:
    code = CODE.format(package="pytorch_lightning", integration="optuna_integration").replace(
        "pl.Trainer(callbacks=[callback])", "make_trainer(callback)"
    )
    assert lint(code) == []
