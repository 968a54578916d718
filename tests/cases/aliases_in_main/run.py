import optuna as opt
from optuna import create_study
from optuna.pruners import HyperbandPruner as HB
from optuna.pruners import PatientPruner


def train_epoch(step):
    return 1.0 / (step + 1)


def tuned(t):  # expect: OPL101
    loss = 1.0
    for i, _ in enumerate(range(10)):
        loss = train_epoch(i)
    return loss


def also_tuned(t):  # expect: OPL101
    loss = 1.0
    while loss > 0.1:
        loss = loss / 2
    return loss


def main():
    pruner = PatientPruner(HB(), patience=3)
    study = create_study(pruner=pruner, direction="minimize")
    study.optimize(tuned, n_trials=10)
    other = opt.create_study(pruner=PatientPruner(None, patience=1))
    other.optimize(func=also_tuned)


if __name__ == "__main__":
    main()
