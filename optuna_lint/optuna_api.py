"""What the linter knows about Optuna's public API, by qualified name.

Names are compared in the canonical form the import table produces (`optuna.TrialPruned`,
`optuna.create_study`, `optuna.Trial`), so every import spelling of a name meets the same entry.
"""

from __future__ import annotations

PRUNERS_MODULE = "optuna.pruners"
BASE_PRUNER = "optuna.pruners.BasePruner"
OPTUNA_PRUNERS = frozenset(
    {
        "HyperbandPruner",
        "MedianPruner",
        "NopPruner",
        "PatientPruner",
        "PercentilePruner",
        "SuccessiveHalvingPruner",
        "ThresholdPruner",
        "WilcoxonPruner",
    }
)
TRIAL_METHODS = frozenset({"report", "should_prune", "set_user_attr"})
TRIAL_PRUNED = "optuna.TrialPruned"
STUDY_FACTORIES = {"optuna.create_study": "create_study", "optuna.load_study": "load_study"}
TRIAL_ANNOTATIONS = frozenset({"optuna.Trial"})

# Calls that log metrics somewhere other than the trial: a call of one of these functions, or
# `add_scalar(s)` on a TensorBoard writer, or `set_user_attr` on a study.
METRIC_SINK_FUNCTIONS = frozenset({"mlflow.log_metric", "mlflow.log_metrics", "wandb.log"})
SUMMARY_WRITERS = frozenset(
    {
        "torch.utils.tensorboard.SummaryWriter",
        "torch.utils.tensorboard.writer.SummaryWriter",
        "tensorboardX.SummaryWriter",
    }
)
SCALAR_METHODS = frozenset({"add_scalar", "add_scalars"})
PARTIAL = "functools.partial"

_INTEGRATION_PACKAGES = ("optuna.integration.", "optuna_integration.")
_INTEGRATION_CALLBACK_SUFFIXES = (
    "PruningCallback",
    "PyTorchIgnitePruningHandler",
    "TensorFlowPruningHook",
)


def is_integration_pruning_callback(qualified: str) -> bool:
    """Whether a qualified name is one of Optuna's integration pruning callbacks, which report
    to the trial they are given and raise `TrialPruned` from inside the framework's loop."""
    return qualified.startswith(_INTEGRATION_PACKAGES) and qualified.endswith(
        _INTEGRATION_CALLBACK_SUFFIXES
    )


def is_distributed_trial(qualified: str) -> bool:
    """`TorchDistributedTrial(trial)` wraps the trial so that every rank can use it."""
    return qualified.startswith(_INTEGRATION_PACKAGES) and qualified.endswith(
        ".TorchDistributedTrial"
    )
