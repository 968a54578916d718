import optuna


def baseline():
    from legacy import train

    return train(None)


def train(trial):
    trial.report(0.5, 0)
    if trial.should_prune():
        raise optuna.TrialPruned()
    return 0.5


def objective(trial):
    return train(trial)


optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective, n_trials=3)
