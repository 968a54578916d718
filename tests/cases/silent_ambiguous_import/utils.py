import optuna


def fit(trial, value=0.5, step=0):
    trial.report(value, step)
    if trial.should_prune():
        raise optuna.TrialPruned()
