import optuna

N_TRIALS = 30


def objective(trial):
    momentum = trial.suggest_float("momentum", 0.5, 0.99)
    error = 1.0
    for epoch in range(10):
        error *= momentum
        trial.report(error, epoch)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return error


pruner = optuna.pruners.MedianPruner(n_startup_trials=N_TRIALS)  # expect: OPL402
study = optuna.create_study(pruner=pruner)
study.optimize(objective, n_trials=N_TRIALS)
