import optuna


def report_and_prune(trial, value, step):
    trial.report(value, step)
    if trial.should_prune():
        raise optuna.TrialPruned()
