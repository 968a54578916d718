import optuna


class PruningCallback:
    def on_epoch_end(self, trainer, epoch):
        trainer.trial.report(trainer.val_loss, epoch)
        if trainer.trial.should_prune():
            raise optuna.TrialPruned()
