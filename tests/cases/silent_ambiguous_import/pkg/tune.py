import optuna

from utils import fit


def objective(trial):
    return fit(trial)


def main():
    optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective, n_trials=3)
