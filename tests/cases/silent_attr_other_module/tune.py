import optuna

from cb import PruneOnLoss


def objective(trial):
    fit(callbacks=[PruneOnLoss(trial)])
    return 0.0


optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective, n_trials=3)
