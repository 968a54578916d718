import lightning.pytorch as pl
import optuna
from optuna_integration import PyTorchLightningPruningCallback

from module import Regressor


def objective(trial):
    model = Regressor(width=trial.suggest_int("width", 2, 16))
    pruning = PyTorchLightningPruningCallback(trial, monitor="val_loss")  # expect: OPL406
    trainer = pl.Trainer(max_epochs=3, callbacks=[pruning])
    trainer.fit(model)
    return trainer.callback_metrics["val_mse"].item()


optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective, n_trials=5)
