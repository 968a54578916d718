import optuna
import torch


def objective(trial: optuna.Trial) -> float:
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    x = torch.randn(128, 3)
    y = x.sum(dim=1, keepdim=True)
    model = torch.nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for epoch in range(10):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        val_loss = loss.item()
        trial.set_user_attr("last_val_loss", val_loss)
        trial.report(val_loss, epoch)
        if trial.should_prune():
            raise optuna.TrialPruned()
    final = torch.nn.functional.mse_loss(model(x * 3), y * 3).item()
    trial.set_user_attr("final", final)
    trial.set_user_attr("finished", True)
    trial.set_user_attr("extrapolation", torch.nn.functional.mse_loss(model(x * 5), y * 5).item())
    return val_loss


if __name__ == "__main__":
    optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective, n_trials=20)
