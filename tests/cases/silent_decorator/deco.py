import functools

import optuna


def report_intermediate(fn):
    @functools.wraps(fn)
    def wrapper(trial):
        value = None
        for step, value in enumerate(fn(trial)):
            trial.report(value, step)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return value

    return wrapper
