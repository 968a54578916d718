import optuna

from cv import cross_validate


def evaluate_and_prune(trial, fold):
    trial.report(0.1 * fold, fold)
    if trial.should_prune():
        raise optuna.TrialPruned()
    return 0.1 * fold


def objective(trial):
    return cross_validate(trial, evaluate_and_prune, folds=range(5))


optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective, n_trials=3)
