"""OPL201: `trial.set_user_attr(...)` after the prune check loses the values of pruned trials."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from optuna_lint.facts import CallAfterCheck, FunctionFacts
from optuna_lint.findings import Applicability, Edit, Finding, Fix
from optuna_lint.rules.base import Rule, RuleContext


class UserAttrAfterPruneCheck(Rule):
    """## What it does
    Finds `trial.set_user_attr(...)` calls that run after a prune check that can raise (later
    in the same pass through the loop, or after the loop holding the check), when the values
    they store were already computed before the check.

    ## Why is this bad?
    A pruned trial leaves the objective by raising `TrialPruned` at the check, so it never
    reaches the call: the metrics of the step that got it pruned are never stored, and a
    comparison of pruned and complete trials reads stale or missing values.

    ## Known problems
    Calls that store a value computed after the check (a final test score, anything computed
    in the call itself) or only literals (a `"completed"` marker) are not reported, nor are calls
    in a `finally:` block, which runs for pruned trials too.

    ## Example
    ```python
    for epoch in range(n_epochs):
        val_loss, val_r2 = evaluate(model)
        trial.report(val_loss, epoch)
        if trial.should_prune():
            raise optuna.TrialPruned()
        trial.set_user_attr("val_r2", val_r2)
    ```

    ## Use instead
    ```python
    for epoch in range(n_epochs):
        val_loss, val_r2 = evaluate(model)
        trial.set_user_attr("val_r2", val_r2)
        trial.report(val_loss, epoch)
        if trial.should_prune():
            raise optuna.TrialPruned()
    ```

    ## Fix safety
    The fix is safe when the call is in the same block as the check and reads only values
    bound before it: it moves the call, with its comments, to just before the check (before the
    `report` that directly precedes the check), keeping the order of the moved calls. Storing a
    value earlier changes nothing else. Otherwise there is no fix.
    """

    code = "OPL201"
    name = "user-attr-after-prune-check"
    summary = (
        "`trial.set_user_attr(...)` runs after a prune check that can raise and stores values "
        "computed before it"
    )
    fix_summary = (
        "safe when in the check's block: move the call before the check (before its `report`)"
    )
    fix_availability = "sometimes"

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for holder in context.project.trial_holders(context.path):
            for call in self.calls(holder.function):
                if call.receiver == holder.variable:
                    yield Finding(
                        code=self.code,
                        name=self.name,
                        message=self.message(call),
                        filename=context.display_path,
                        span=call.span,
                        fix=self._fix(call),
                    )

    def calls(self, function: FunctionFacts) -> tuple[CallAfterCheck, ...]:
        return function.attrs_after_checks

    def message(self, call: CallAfterCheck) -> str:
        return (
            f"`{call.receiver}.set_user_attr({call.key or '...'}, ...)` runs after the prune "
            f"check on line {call.check_row}: a pruned trial raises there and never stores "
            f"`{stored_name(call)}`"
        )

    def _fix(self, call: CallAfterCheck) -> Fix | None:
        move = call.move
        if move is None:
            return None
        return Fix(
            message="Move the call before the prune check",
            applicability=Applicability.SAFE,
            edits=(
                Edit(move.insert_at, move.insert_at, move.statement_text),
                Edit(move.remove_start, move.remove_end, ""),
            ),
        )


def stored_name(call: CallAfterCheck) -> str:
    """What the user looks for and will not find: the key as written when it is a plain
    string, else the value's name."""
    if call.key is not None:
        try:
            key = ast.literal_eval(call.key)
        except (ValueError, SyntaxError):
            key = None  # an f-string or another expression
        if isinstance(key, str):
            return key
    return call.stale_name
