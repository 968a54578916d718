from base import BaseCallback
from prune_utils import report_and_prune


class PruneOnLoss(BaseCallback):
    def on_epoch_end(self, epoch, logs):
        report_and_prune(self.t, logs["val_loss"], epoch)
