import optuna

CURRENT_TRIAL = None


def on_epoch_end(epoch, loss):
    CURRENT_TRIAL.report(loss, epoch)
    if CURRENT_TRIAL.should_prune():
        raise optuna.TrialPruned()


def objective(trial):
    global CURRENT_TRIAL
    CURRENT_TRIAL = trial
    return train(callback=on_epoch_end)


optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective, n_trials=3)
