"""OPL303: a tensor is given to `report`."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.facts import TrialCall
from optuna_lint.findings import Applicability, Edit, Finding, Fix
from optuna_lint.rules.base import Rule, RuleContext


class ReportTensorValue(Rule):
    """## What it does
    Finds `trial.report(value, step)` whose value is a torch tensor: the result of a `torch.*`
    or `torch.nn.functional.*` call, of calling a torch loss (`criterion(output, target)` with
    `criterion = nn.MSELoss()`), or of a tensor method on one (`.mean()`), with no `.item()`,
    `float(...)` or `.tolist()`; directly or through a name bound once in the function.

    ## Why is this bad?
    `report` needs a float. A tensor of more than one element fails; a one-element tensor on
    the GPU forces a device synchronisation at every report.

    ## Known problems
    A value from a user-defined function is never taken for a tensor, whatever its name, and
    neither is a method called on a value of unknown type (a NumPy array).

    ## Example
    ```python
    loss = criterion(model(x), y)
    trial.report(loss, epoch)
    ```

    ## Use instead
    ```python
    loss = criterion(model(x), y)
    trial.report(float(loss), epoch)
    ```

    ## Fix safety
    Wrapping the value in `float(...)` is safe: it is what `report` does with a one-element
    tensor, done before the call; a tensor of several elements fails either way.
    """

    code = "OPL303"
    name = "report-tensor-value"
    summary = (
        "the value given to `report` is a tensor (a loss, a `torch.*` result, a tensor method "
        "such as `.mean()`) without `.item()` or `float(...)`"
    )
    fix_summary = "safe: wrap as `float(<value>)`"
    fix_availability = "safe"

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for holder in context.project.trial_holders(context.path):
            for call in holder.function.trial_calls:
                if (
                    call.receiver == holder.variable
                    and call.method == "report"
                    and call.value_is_tensor
                    and call.value_span is not None
                ):
                    yield Finding(
                        code=self.code,
                        name=self.name,
                        message=(
                            f"`{call.receiver}.report(...)` is given a tensor: one of several "
                            "elements fails, and one on the GPU forces a device sync at every "
                            "report"
                        ),
                        filename=context.display_path,
                        span=call.span,
                        fix=_fix(call),
                    )


def _fix(call: TrialCall) -> Fix:
    value = call.value_span
    return Fix(
        message="Report `float(...)` of the tensor",
        applicability=Applicability.SAFE,
        edits=(
            Edit(value.start_offset, value.start_offset, "float("),
            Edit(value.end_offset, value.end_offset, ")"),
        ),
    )
