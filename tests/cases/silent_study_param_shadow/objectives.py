import optuna


def fast_objective(trial):
    trial.report(0.5, 0)
    if trial.should_prune():
        raise optuna.TrialPruned()
    return 0.5


def slow_objective(trial):
    return trial.suggest_float("x", 0, 1)
