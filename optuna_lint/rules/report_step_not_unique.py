"""OPL302: the `step` given to `report` repeats, so Optuna ignores the repeats."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.facts import TrialCall
from optuna_lint.findings import Finding
from optuna_lint.optuna_api import is_integration_pruning_callback
from optuna_lint.rules.base import Rule, RuleContext


class ReportStepNotUnique(Rule):
    """## What it does
    Finds `trial.report(value, step)` whose step repeats: a constant inside a loop, or the
    index of an inner loop while an outer loop (cross-validation folds, say) runs it again and
    again; and an Optuna integration pruning callback created inside a loop, which reports the
    model's own iteration numbers again on every pass.

    ## Why is this bad?
    Optuna keeps the first value reported for a step and ignores every later one with a
    warning. With folds, the pruner only ever sees the first fold; with a constant, only the
    first epoch.

    ## Known problems
    A step that combines the indexes (`fold * n_epochs + epoch`), a counter incremented in
    the loop, or an inner index whose range depends on the outer loop's index
    (`for epoch in range(start, start + 10)`) is not reported; neither is a step the linter
    cannot read (a call, a subscript).

    ## Example
    ```python
    for fold in range(5):
        for epoch in range(10):
            loss = train_fold(fold, epoch)
            trial.report(loss, epoch)
    ```

    ## Use instead
    ```python
    for fold in range(5):
        for epoch in range(10):
            loss = train_fold(fold, epoch)
            trial.report(loss, fold * 10 + epoch)
    ```

    ## Fix safety
    There is no fix: how to number the steps is the author's choice.
    """

    code = "OPL302"
    name = "report-step-not-unique"
    summary = (
        "the `step` given to `report` repeats: a constant inside a loop, or an inner loop's "
        "index inside an outer loop; also an integration pruning callback created inside a loop"
    )

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for holder in context.project.trial_holders(context.path):
            function = holder.function
            for call in function.trial_calls:
                if call.receiver == holder.variable and call.method == "report":
                    message = _repeat(call)
                    if message is not None:
                        yield self._finding(message, call.span, context)
            for handoff in function.handoffs:
                if handoff.variable != holder.variable or not handoff.loops:
                    continue
                target = context.project.resolve(
                    holder.path, function.qualname, handoff.callee, holder.instance
                )
                name = getattr(target, "qualified", "")
                if name and is_integration_pruning_callback(name):
                    yield self._finding(
                        f"`{name.rsplit('.', 1)[-1]}(...)` is created inside a loop: it reports "
                        "the model's own iteration numbers again on every pass, and Optuna "
                        "ignores the repeats",
                        handoff.span,
                        context,
                    )

    def _finding(self, message: str, span, context: RuleContext) -> Finding:
        return Finding(
            code=self.code,
            name=self.name,
            message=message,
            filename=context.display_path,
            span=span,
        )


def _repeat(call: TrialCall) -> str | None:
    """Why the call's step repeats, or None when it does not evidently repeat."""
    if call.step is None or not call.loops:
        return None
    start = f"`{call.receiver}.report(...)` reports step `{call.step}`"
    if call.step_is_literal:
        return (
            f"{start} on every pass of its loop: Optuna ignores every repeat with a warning, so "
            "the pruner sees only the first"
        )
    targets = call.loop_targets
    if call.step in targets:
        depth = targets.index(call.step)
        outer = [target for target in targets[:depth] if target is not None]
        # `for epoch in range(start, start + 10)` under `for start in ...` does not repeat.
        depends = set(call.loop_iter_names[depth]) if call.loop_iter_names else set()
        if outer and not depends & set(outer):
            return (
                f"{start}, which restarts on every pass of the outer loop over `{outer[-1]}`: "
                "Optuna ignores the repeats, so the pruner sees only the first pass; combine "
                f"both indexes (`{outer[-1]} * n + {call.step}`)"
            )
    return None
