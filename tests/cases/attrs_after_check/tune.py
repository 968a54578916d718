"""Auxiliary regression metrics stored after the prune check."""
import optuna
import torch

from helpers import fit_epoch, score

EPOCHS = 25


def objective(trial):
    lr = trial.suggest_float("lr", 1e-5, 1e-2, log=True)
    model = torch.nn.Linear(4, 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)

    for epoch in range(EPOCHS):
        train_loss = fit_epoch(model, optimizer)
        val_loss, val_r2, val_mae = score(model)

        trial.report(val_loss, epoch)
        if trial.should_prune():
            raise optuna.TrialPruned()

        # keep the per-epoch metrics for the dashboard
        trial.set_user_attr("train_loss", train_loss)  # expect: OPL201
        trial.set_user_attr("val_r2", val_r2)  # expect: OPL201
        trial.set_user_attr("val_mae", float(val_mae))  # expect: OPL201
        trial.set_user_attr("epoch_done", True)

    test_loss = score(model)[0]
    trial.set_user_attr("test_loss", test_loss)
    trial.set_user_attr("lr_used", lr)  # expect: OPL201
    return val_loss


if __name__ == "__main__":
    study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_warmup_steps=3))
    study.optimize(objective, n_trials=40)
