"""An objective that reports but never checks (OPL103), with a hand-corrected version beside it
that breaks the trials it should prune."""

import optuna

N_EPOCHS = 6


def objective(trial: optuna.Trial) -> float:
    x = trial.suggest_float("x", -10.0, 10.0)
    loss = 0.0
    for epoch in range(N_EPOCHS):
        loss = (x - 2.0) ** 2 / (epoch + 1)
        trial.report(loss, epoch)
    return loss


if __name__ == "__main__":
    study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=2))
    study.optimize(objective, n_trials=10)
