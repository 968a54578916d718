import lightning.pytorch as pl
import torch


class Regressor(pl.LightningModule):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(3, width)

    def training_step(self, batch, batch_idx):
        loss = self.layer(batch[0]).pow(2).mean()
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        self.log_dict({"val_mse": self.layer(batch[0]).pow(2).mean()})

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)
