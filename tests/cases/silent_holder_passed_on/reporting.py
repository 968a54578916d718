import optuna


class Holder:
    def __init__(self, trial):
        self.trial = trial


def report_epoch(holder, value, step):
    holder.trial.report(value, step)
    if holder.trial.should_prune():
        raise optuna.TrialPruned()
