"""OPL109: `TrialPruned(...)` is made and returned or yielded instead of raised."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.facts import UnraisedTrialPruned
from optuna_lint.findings import Applicability, Edit, Finding, Fix
from optuna_lint.rules.base import Rule, RuleContext


class PrunedExceptionNotRaised(Rule):
    """## What it does
    Finds `return TrialPruned(...)` and `yield TrialPruned(...)`: the exception is created
    and handed back as a value instead of being raised.

    ## Why is this bad?
    Optuna prunes a trial when the objective raises `TrialPruned`. Returned, the exception
    object becomes the trial's value; Optuna cannot convert it to a float, and the trial FAILs
    instead of being PRUNED.

    ## Known problems
    Only objectives (and functions annotated as taking a trial that no function hands one to)
    are checked: another function returning the exception may be a factory whose caller raises
    it. An exception assigned to a name or passed to a call is not reported: it may be raised
    later (`error = TrialPruned(msg)` ... `raise error`).

    ## Example
    ```python
    if trial.should_prune():
        return optuna.TrialPruned()
    ```

    ## Use instead
    ```python
    if trial.should_prune():
        raise optuna.TrialPruned()
    ```

    ## Fix safety
    Replacing `return` with `raise` is safe: the function stops there in both cases, and the
    trial is now stored as PRUNED instead of FAIL. A `yield` has no fix.
    """

    code = "OPL109"
    name = "pruned-exception-not-raised"
    summary = (
        "`TrialPruned(...)` is returned or yielded instead of raised, so the trial FAILs with "
        "the exception as its value"
    )
    fix_summary = "safe: `return TrialPruned(...)` becomes `raise TrialPruned(...)`"
    fix_availability = "safe"

    def check(self, context: RuleContext) -> Iterator[Finding]:
        # Only where the value becomes the trial's: a helper returning the exception may be a
        # factory whose caller raises it (`raise pruned_error(step)`).
        for holder in context.project.entry_points(context.path):
            for unraised in holder.function.unraised_trial_pruned:
                yield Finding(
                    code=self.code,
                    name=self.name,
                    message=(
                        f"`TrialPruned` is {unraised.keyword}ed instead of raised: the trial "
                        "FAILs with the exception object as its value instead of being pruned"
                    ),
                    filename=context.display_path,
                    span=unraised.span,
                    fix=self._fix(unraised),
                )

    @staticmethod
    def _fix(unraised: UnraisedTrialPruned) -> Fix | None:
        if unraised.keyword != "return":
            return None
        start = unraised.keyword_start
        return Fix(
            message="Raise the exception",
            applicability=Applicability.SAFE,
            edits=(Edit(start, start + len("return"), "raise"),),
        )
