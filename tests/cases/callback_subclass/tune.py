import lightning.pytorch as pl
import optuna

from callbacks import PruningCallback
from model import LitRegressor, make_datamodule


def objective(trial):
    model = LitRegressor(hidden=trial.suggest_int("hidden", 8, 128))
    trainer = pl.Trainer(
        max_epochs=20,
        callbacks=[PruningCallback(trial, monitor="val_loss")],
        enable_checkpointing=False,
    )
    trainer.fit(model, datamodule=make_datamodule())
    return trainer.callback_metrics["val_loss"].item()


study = optuna.create_study(pruner=optuna.pruners.HyperbandPruner())
study.optimize(objective, n_trials=40)
