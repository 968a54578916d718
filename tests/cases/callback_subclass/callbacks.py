import lightning.pytorch as pl
from optuna_integration import PyTorchLightningPruningCallback


class PruningCallback(PyTorchLightningPruningCallback, pl.Callback):
    """Lets Lightning 2 accept the integration callback."""
