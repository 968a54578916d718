"""The rule catalogue: every rule, by code."""

from __future__ import annotations

from optuna_lint.rules.base import Rule, RuleContext
from optuna_lint.rules.bootstrap_prunes_everything import BootstrapPrunesEverything
from optuna_lint.rules.callback_metric_not_logged import CallbackMetricNotLogged
from optuna_lint.rules.deprecated_integration_import import DeprecatedIntegrationImport
from optuna_lint.rules.direction_metric_mismatch import DirectionMetricMismatch
from optuna_lint.rules.error_recorded_as_pruned import ErrorRecordedAsPruned
from optuna_lint.rules.eval_name_mismatch import EvalNameMismatch
from optuna_lint.rules.file_not_linted import FileNotLintedRule
from optuna_lint.rules.lightning_package_mismatch import LightningPackageMismatch
from optuna_lint.rules.metric_logged_after_prune_check import MetricLoggedAfterPruneCheck
from optuna_lint.rules.prune_api_in_multi_objective import PruneApiInMultiObjective
from optuna_lint.rules.prune_check_after_training import PruneCheckAfterTraining
from optuna_lint.rules.prune_check_compared_by_identity import PruneCheckComparedByIdentity
from optuna_lint.rules.prune_check_result_unused import PruneCheckResultUnused
from optuna_lint.rules.prune_check_without_raise import PruneCheckWithoutRaise
from optuna_lint.rules.prune_check_without_report import PruneCheckWithoutReport
from optuna_lint.rules.pruned_exception_not_raised import PrunedExceptionNotRaised
from optuna_lint.rules.pruned_exception_swallowed import PrunedExceptionSwallowed
from optuna_lint.rules.pruner_arguments_invalid import PrunerArgumentsInvalid
from optuna_lint.rules.pruner_lost_on_load import PrunerLostOnLoad
from optuna_lint.rules.pruner_never_fed import PrunerNeverFed
from optuna_lint.rules.pruner_not_an_instance import PrunerNotAnInstance
from optuna_lint.rules.pruner_unused import PrunerUnused
from optuna_lint.rules.pruning_callback_unused import PruningCallbackUnused
from optuna_lint.rules.report_step_not_unique import ReportStepNotUnique
from optuna_lint.rules.report_tensor_value import ReportTensorValue
from optuna_lint.rules.report_without_prune_check import ReportWithoutPruneCheck
from optuna_lint.rules.startup_outlasts_study import StartupOutlastsStudy
from optuna_lint.rules.syntax_error import SyntaxErrorRule
from optuna_lint.rules.threshold_against_direction import ThresholdAgainstDirection
from optuna_lint.rules.unknown_optuna_name import UnknownOptunaName
from optuna_lint.rules.unused_noqa import UnusedNoqa
from optuna_lint.rules.user_attr_after_prune_check import UserAttrAfterPruneCheck
from optuna_lint.rules.warmup_outlasts_training import WarmupOutlastsTraining

SYNTAX_ERROR = SyntaxErrorRule()
FILE_NOT_LINTED = FileNotLintedRule()
UNUSED_NOQA = UnusedNoqa()

ALL_RULES: tuple[Rule, ...] = (
    SYNTAX_ERROR,
    FILE_NOT_LINTED,
    PrunerNeverFed(),
    PruneCheckWithoutReport(),
    ReportWithoutPruneCheck(),
    PruneCheckWithoutRaise(),
    PruneCheckResultUnused(),
    PruneCheckAfterTraining(),
    PrunedExceptionSwallowed(),
    PruningCallbackUnused(),
    PrunedExceptionNotRaised(),
    PrunerUnused(),
    ErrorRecordedAsPruned(),
    PruneCheckComparedByIdentity(),
    UserAttrAfterPruneCheck(),
    MetricLoggedAfterPruneCheck(),
    PruneApiInMultiObjective(),
    ReportStepNotUnique(),
    ReportTensorValue(),
    UnknownOptunaName(),
    DirectionMetricMismatch(),
    PrunerNotAnInstance(),
    PrunerLostOnLoad(),
    DeprecatedIntegrationImport(),
    WarmupOutlastsTraining(),
    StartupOutlastsStudy(),
    PrunerArgumentsInvalid(),
    BootstrapPrunesEverything(),
    ThresholdAgainstDirection(),
    CallbackMetricNotLogged(),
    EvalNameMismatch(),
    LightningPackageMismatch(),
    UNUSED_NOQA,
)
RULES_BY_CODE = {rule.code: rule for rule in ALL_RULES}
RULES_BY_NAME = {rule.name: rule for rule in ALL_RULES}

__all__ = [
    "ALL_RULES",
    "FILE_NOT_LINTED",
    "RULES_BY_CODE",
    "RULES_BY_NAME",
    "SYNTAX_ERROR",
    "Rule",
    "RuleContext",
]
