import optuna
from optuna.pruners import NopPruner, PatientPruner


def objective(trial):
    n = trial.suggest_int("n", 1, 10)
    total = 0
    for i in range(n):
        total += i
    return total


optuna.create_study(pruner=NopPruner()).optimize(objective, n_trials=5)
optuna.create_study(pruner=PatientPruner(NopPruner(), patience=2)).optimize(objective, n_trials=5)
optuna.create_study(pruner=None).optimize(objective, n_trials=5)
optuna.create_study().optimize(objective, n_trials=5)
