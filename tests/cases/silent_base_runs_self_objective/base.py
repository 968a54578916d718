import optuna


class BaseSearch:
    def __init__(self):
        self.study = optuna.create_study(pruner=optuna.pruners.MedianPruner())

    def objective(self, trial):
        raise NotImplementedError

    def run(self):
        self.study.optimize(self.objective, n_trials=10)
