"""A small objective that reports every step but never checks (OPL103), slow enough per step
that two worker processes both get trials of one study."""

import time

import optuna

N_STEPS = 5


def objective(trial: optuna.Trial) -> float:
    x = trial.suggest_float("x", -10.0, 10.0)
    loss = 0.0
    for step in range(N_STEPS):
        time.sleep(0.05)
        loss = (x - 2.0) ** 2 / (step + 1)
        trial.report(loss, step)
    return loss


if __name__ == "__main__":
    study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=2))
    study.optimize(objective, n_trials=10)
