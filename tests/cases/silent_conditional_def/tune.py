import optuna

from loops import fit


def objective(trial):
    return fit(trial)


optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective, n_trials=3)
