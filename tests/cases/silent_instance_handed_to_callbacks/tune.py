import optuna

from callbacks import PruningCallback
from trainer import Trainer


def objective(trial):
    trainer = Trainer(trial, callbacks=[PruningCallback()])
    return trainer.fit(epochs=trial.suggest_int("epochs", 5, 30))


if __name__ == "__main__":
    study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
    study.optimize(objective, n_trials=20)
