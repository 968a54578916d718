import optuna

from trainers import TRAINERS


def train(trial):
    return 0.0


def objective(trial):
    train = TRAINERS[trial.suggest_categorical("opt", ["sgd", "adam"])]
    return train(trial)


optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective, n_trials=3)
