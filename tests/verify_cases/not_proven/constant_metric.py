"""The value this objective returns is a constant marker, not a metric: the fixer's report of it
(OPL101) gives the pruner nothing to compare, so the fix cannot be proven."""

import optuna

N_EPOCHS = 6


def objective(trial: optuna.Trial) -> float:
    lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
    weight = 0.0
    for epoch in range(N_EPOCHS):
        weight += lr * epoch
        status = 1.0
    return status


if __name__ == "__main__":
    study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=1))
    study.optimize(objective, n_trials=10)
