import optuna

from base import BaseSearch


class MLPSearch(BaseSearch):
    def objective(self, trial):
        trial.report(0.5, 0)
        if trial.should_prune():
            raise optuna.TrialPruned()
        return 0.5


MLPSearch().run()
