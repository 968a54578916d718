import optuna

from objectives import fast_objective, slow_objective

study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
study.optimize(fast_objective, n_trials=10)


def resume(study):
    study.optimize(slow_objective, n_trials=10)


resume(optuna.create_study())
