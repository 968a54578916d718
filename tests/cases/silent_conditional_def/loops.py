import os

import optuna

if not os.environ.get("FAST_DEV_RUN"):
    def fit(trial):
        trial.report(0.5, 0)
        if trial.should_prune():
            raise optuna.TrialPruned()
        return 0.5
else:
    def fit(trial):
        return 0.0
