import lightning.pytorch as pl
import optuna
from optuna_integration import PyTorchLightningPruningCallback

from model import Net


def objective(trial: optuna.trial.Trial) -> float:
    model = Net(dropout=trial.suggest_float("dropout", 0.0, 0.5))
    trainer = pl.Trainer(max_epochs=5, callbacks=[PyTorchLightningPruningCallback(trial, monitor="val_loss")])
    trainer.fit(model)
    return trainer.callback_metrics["val_loss"].item()


study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
study.optimize(objective, n_trials=30)
