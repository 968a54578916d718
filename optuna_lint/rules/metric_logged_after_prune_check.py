"""OPL202: a metric logged after the prune check is never logged for the step that pruned."""

from __future__ import annotations

from optuna_lint.facts import CallAfterCheck, FunctionFacts
from optuna_lint.rules.user_attr_after_prune_check import UserAttrAfterPruneCheck, stored_name


class MetricLoggedAfterPruneCheck(UserAttrAfterPruneCheck):
    """## What it does
    Finds metric-logging calls that run after a prune check that can raise (later in the same
    pass through the loop, or after the loop holding the check), when the values they log were
    already computed before the check: `mlflow.log_metric(s)`, `wandb.log`, `add_scalar(s)` on
    a TensorBoard `SummaryWriter` (from torch or tensorboardX), `set_user_attr` on a study, and
    the calls the user names as metric sinks (`--metric-sink PATTERN`, or `metric_sinks` in
    `Settings`): glob patterns matched against the qualified name of the called function when
    an import resolves it (`neptune.log_*`), else against the call as written
    (`*.log_metrics` for `run.log_metrics(...)`).

    ## Why is this bad?
    A pruned trial leaves the objective by raising `TrialPruned` at the check, so the values of
    the step that got it pruned never reach the experiment tracker: the curves of pruned trials
    stop one step early, and the step the pruner judged is the one that is missing.

    ## Known problems
    Only the sinks above and the user's patterns are known; a writer kept in an attribute is
    recognised when a method of the class assigns it once (`self.writer = SummaryWriter(...)`),
    and a writer returned by a helper is not. Calls in a `finally:` block, and calls that log values
    computed after the check, are not reported.

    ## Example
    ```python
    for epoch in range(n_epochs):
        val_loss = evaluate(model)
        trial.report(val_loss, epoch)
        if trial.should_prune():
            raise optuna.TrialPruned()
        mlflow.log_metric("val_loss", val_loss, step=epoch)
    ```

    ## Use instead
    ```python
    for epoch in range(n_epochs):
        val_loss = evaluate(model)
        mlflow.log_metric("val_loss", val_loss, step=epoch)
        trial.report(val_loss, epoch)
        if trial.should_prune():
            raise optuna.TrialPruned()
    ```

    ## Fix safety
    The fix is safe when the call is in the same block as the check and reads only values
    bound before it: it moves the call, with its comments, to just before the check (before the
    `report` that directly precedes the check), keeping the order of the moved calls. Logging a
    value earlier changes nothing else. Otherwise there is no fix.
    """

    code = "OPL202"
    name = "metric-logged-after-prune-check"
    summary = (
        "a metric sink (`mlflow.log_metric(s)`, `wandb.log`, `add_scalar(s)` on a "
        "`SummaryWriter`, `study.set_user_attr`, the user's `metric-sinks`) runs after a prune "
        "check that can raise and logs values computed before it"
    )
    fix_summary = "safe when in the check's block: move the call before the check"

    def calls(self, function: FunctionFacts) -> tuple[CallAfterCheck, ...]:
        return function.sinks_after_checks

    def message(self, call: CallAfterCheck) -> str:
        key = f"{call.key}, " if call.key else ""
        return (
            f"`{call.sink}({key}...)` runs after the prune check on line {call.check_row}: a "
            f"pruned trial raises there and never logs `{stored_name(call)}`"
        )
