"""OPL406: a Lightning or Keras pruning callback monitors a metric that training never logs."""

from __future__ import annotations

import textwrap

from conftest import assert_fix, lint

from optuna_lint import lint_paths

KERAS = """\
import tensorflow as tf
from optuna_integration import TFKerasPruningCallback


def objective(trial):
    model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics={metrics})
    model.fit(x, y, {validation}callbacks=[TFKerasPruningCallback(trial, {monitor})])
    return 0.0
"""


def keras(monitor: str, metrics: str = '["accuracy"]', validation: str = "validation_split=0.2, "):
    return KERAS.format(monitor=monitor, metrics=metrics, validation=validation)


def keras_message(monitor: str, keys: str) -> str:
    return (
        f"`TFKerasPruningCallback` monitors `{monitor}`, which `fit` does not log (it logs "
        f"{keys}): the callback only warns and no trial is pruned"
    )


def test_keras_monitor_typo_is_reported_at_the_monitor_and_renamed_by_the_unsafe_fix() -> None:
    code = keras('"val_acc"')
    keys = "`accuracy`, `loss`, `val_accuracy`, `val_loss`"
    assert lint(code) == [("OPL406", 8, 84, keras_message("val_acc", keys))]
    assert_fix(code, code)  # no safe fix
    assert_fix(code, keras('"val_accuracy"'), unsafe=True)


def test_keras_validation_key_without_validation_is_reported() -> None:
    code = keras("'val_loss'", metrics="[]", validation="")
    assert lint(code) == [("OPL406", 8, 62, keras_message("val_loss", "`loss`"))]
    assert_fix(code, keras("'loss'", metrics="[]", validation=""), unsafe=True)


def test_keras_logged_keys_aliases_and_multi_output_keys_are_silent() -> None:
    assert lint(keras('"val_accuracy"')) == []
    assert lint(keras('"loss"')) == []
    assert lint(keras('"val_mean_squared_error"', metrics='["mse"]')) == []
    assert lint(keras('"val_output_1_accuracy"')) == []


def test_keras_unreadable_metrics_or_monitor_are_silent() -> None:
    assert lint(keras('"val_auc"', metrics="[tf.keras.metrics.AUC()]")) == []
    assert lint(keras('"val_auc"', metrics="METRICS")) == []
    assert lint(keras("f'val_{name}'")) == []
    assert lint(keras('"val_auc"', validation="**options, ")) == []
    # A metric named by its class logs as `auc` or as `AUC`, depending on the Keras version.
    assert lint(keras('"val_auc"', metrics='["AUC"]')) == []
    assert lint(keras('"val_precision"', metrics='["accuracy", "Precision"]')) == []


def test_keras_model_compiled_elsewhere_or_handed_on_is_silent() -> None:
    code = keras('"val_acc"').replace(
        '    model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])\n',
        "    prepare(model)\n",
    )
    assert lint(code) == []
    handed = keras('"val_acc"').replace("    return 0.0", "    keep(model)\n    return 0.0")
    assert lint(handed) == []


MODULE = """\
import lightning.pytorch as pl


class Net({base}):
    def training_step(self, batch, batch_idx):
        self.log("train_loss", 1.0)

    def validation_step(self, batch, batch_idx):
        {validation}
"""

TUNE = """\
import lightning.pytorch as pl
from optuna_integration import PyTorchLightningPruningCallback

from net import Net


def objective(trial):
    model = Net()
    trainer = pl.Trainer(callbacks=[PyTorchLightningPruningCallback(trial, monitor={monitor})])
    trainer.fit(model)
    return 0.0
"""


def lightning_project(
    root, monitor='"val_acc"', validation='self.log("val_accuracy", 1.0)', base="pl.LightningModule"
):
    (root / "net.py").write_text(MODULE.format(base=base, validation=validation))
    (root / "tune.py").write_text(TUNE.format(monitor=monitor))
    return [
        (f.filename, f.code, f.location.row, f.location.column, f.message)
        for f in lint_paths(["."])
    ]


def test_lightning_monitor_the_module_never_logs_is_reported(in_tmp) -> None:
    assert lightning_project(in_tmp) == [
        (
            "tune.py",
            "OPL406",
            9,
            84,
            "`PyTorchLightningPruningCallback` monitors `val_acc`, which `Net` never logs (it "
            "logs `train_loss`, `val_accuracy`): the callback only warns and no trial is pruned",
        )
    ]


def test_lightning_fix_renames_to_the_close_logged_name(in_tmp, capsys) -> None:
    from optuna_lint.cli import main

    lightning_project(in_tmp)
    assert main(["--fix", "--unsafe-fixes", "--no-cache", "."]) == 0
    fixed = (in_tmp / "tune.py").read_text()
    assert fixed == TUNE.format(monitor='"val_accuracy"')
    assert lint_paths(["."]) == []
    assert main(["--fix", "--unsafe-fixes", "--no-cache", "."]) == 0
    assert (in_tmp / "tune.py").read_text() == fixed


def test_lightning_logged_names_and_their_step_and_epoch_forms_are_silent(in_tmp) -> None:
    assert lightning_project(in_tmp, monitor='"val_accuracy"') == []
    assert lightning_project(in_tmp, monitor='"val_accuracy_epoch"') == []
    assert lightning_project(in_tmp, validation='self.log_dict({"val_acc": 1.0})') == []


def test_lightning_unreadable_names_and_unknown_bases_are_silent(in_tmp) -> None:
    assert lightning_project(in_tmp, validation='self.log(f"val_{name}", 1.0)') == []
    assert lightning_project(in_tmp, validation="self.log_dict(metrics)") == []
    assert lightning_project(in_tmp, validation="log_all(self)") == []
    assert lightning_project(in_tmp, base="pl.LightningModule, SomeMixin") == []


def test_lightning_module_outside_the_tree_is_silent(in_tmp) -> None:
    (in_tmp / "tune.py").write_text(TUNE.format(monitor='"val_acc"'))
    assert lint_paths(["."]) == []


def test_lightning_callback_given_to_an_unseen_trainer_is_silent() -> None:
    code = textwrap.dedent(
        """\
        from optuna_integration import PyTorchLightningPruningCallback


        def objective(trial):
            callbacks = [PyTorchLightningPruningCallback(trial, monitor="val_acc")]
            run_training(callbacks)
            return 0.0
        """
    )
    assert lint(code) == []
