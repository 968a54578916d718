import optuna

from loop import fit


def objective(trial):  # expect: OPL101
    slope = trial.suggest_float("slope", 0.0, 2.0)
    return fit(trial, lambda epoch: slope / (epoch + 1), epochs=30)


study = optuna.create_study(pruner=optuna.pruners.ThresholdPruner(upper=1.5))
study.optimize(objective, n_trials=10)
