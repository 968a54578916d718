"""OPL104: the branch taken when the trial should be pruned does not raise `TrialPruned`."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.facts import PruneCheck, PrunerRef
from optuna_lint.findings import Applicability, Edit, Finding, Fix
from optuna_lint.fix_text import trial_pruned_reference
from optuna_lint.linking import TrialHolder
from optuna_lint.rules.base import Rule, RuleContext

# What each way of leaving the branch does to a trial that should be pruned.
_CONSEQUENCES = {
    "return": (
        "returns instead of raising `TrialPruned`: a pruned trial is stored as COMPLETE, with a "
        "partial value"
    ),
    "break": (
        "breaks out of the loop instead of raising `TrialPruned`: a pruned trial is stored as "
        "COMPLETE, with a partial value"
    ),
    "continue": "continues instead of raising `TrialPruned`: a pruned trial trains to the end",
    "pass": "only passes: a pruned trial trains to the end",
    "falls_through": "does not raise `TrialPruned`: a pruned trial trains to the end",
}


class PruneCheckWithoutRaise(Rule):
    """## What it does
    Finds prune checks in an objective whose branch, taken when `should_prune()` is true, does
    not raise `TrialPruned`: it returns, breaks, continues, passes or falls through. A flag set
    in the branch and tested later before a raise (`stop = True; break` ... `if stop: raise`)
    is a raise, and is not reported; so is a `break` or `continue` after which a
    `raise TrialPruned` can still run, and a branch that hands the trial to a call that may
    raise.

    ## Why is this bad?
    Optuna marks a trial PRUNED only when the objective raises `TrialPruned`. Returning stores
    the trial as COMPLETE with a partial value that misleads the sampler; breaking does the same
    after the loop; continuing or falling through trains the trial to the end as if it had never
    been pruned.

    ## Known problems
    Only checks in the objective itself are reported: a helper or callback that returns hands
    the decision back to its caller. Objectives of a study whose pruner is a `WilcoxonPruner`
    (also inside a `PatientPruner`), whose documented use is to return the running mean, or a
    pruner the linter cannot resolve, are skipped.

    ## Example
    ```python
    for epoch in range(40):
        loss = evaluate(model, epoch)
        trial.report(loss, epoch)
        if trial.should_prune():
            return loss
    ```

    ## Use instead
    ```python
    for epoch in range(40):
        loss = evaluate(model, epoch)
        trial.report(loss, epoch)
        if trial.should_prune():
            raise optuna.TrialPruned()
    ```

    ## Fix safety
    Replacing a `return` that ends the branch with the raise is safe: the trial ends there
    either way, now as PRUNED. Replacing `pass`, `break` or `continue`, or adding the raise to
    a branch that falls through, is unsafe: code after the check or after the loop no longer
    runs for pruned trials.
    """

    code = "OPL104"
    name = "prune-check-without-raise"
    summary = (
        "in the objective itself, the branch taken when `should_prune()` is true returns, "
        "passes, breaks, continues or falls through instead of raising `TrialPruned`"
    )
    fix_summary = (
        "safe for `return`: raise instead; unsafe for `pass`/`break`/`continue` (replaced) or "
        "falling through (raise appended)"
    )
    fix_availability = "sometimes"

    def check(self, context: RuleContext) -> Iterator[Finding]:
        objectives = context.project.objectives(context.path)
        for holder in context.project.entry_points(context.path):
            pruners = [
                objective.pruner
                for objective in objectives
                if objective.function is holder.function
            ]
            if any(_may_return_on_purpose(pruner) for pruner in pruners):
                continue
            # `return TrialPruned()` is OPL109's finding.
            returned_exceptions = {
                unraised.keyword_start for unraised in holder.function.unraised_trial_pruned
            }
            for check in holder.function.checks:
                if (
                    check.receiver == holder.variable
                    and check.exit in _CONSEQUENCES
                    and not (
                        check.exit_span and check.exit_span.start_offset in returned_exceptions
                    )
                    and not _hands_the_trial_on(check, holder)
                ):
                    yield Finding(
                        code=self.code,
                        name=self.name,
                        message=(
                            f"`if {check.receiver}.should_prune():` {_CONSEQUENCES[check.exit]}"
                        ),
                        filename=context.display_path,
                        span=check.span,
                        fix=self._fix(check, context),
                    )

    @staticmethod
    def _fix(check: PruneCheck, context: RuleContext) -> Fix | None:
        trial_pruned, import_edits = trial_pruned_reference(context.facts.names)
        raise_text = f"raise {trial_pruned}()"
        if check.exit == "falls_through":
            if check.branch_end is None:
                return None
            edit = Edit(
                check.branch_end,
                check.branch_end,
                f"{check.branch_indent}{raise_text}{context.facts.names.newline}",
            )
        else:
            edit = Edit(check.exit_span.start_offset, check.exit_span.end_offset, raise_text)
        return Fix(
            message=f"Raise `{trial_pruned}()` when the trial should be pruned",
            applicability=Applicability.SAFE if check.exit == "return" else Applicability.UNSAFE,
            edits=(*import_edits, edit),
        )


def _hands_the_trial_on(check: PruneCheck, holder: TrialHolder) -> bool:
    """Whether the branch hands the trial to a call (`prune_now(trial, step)`), which may
    raise `TrialPruned` itself."""
    return any(
        handoff.variable == holder.variable
        and check.span.start_offset <= handoff.span.start_offset < check.span.end_offset
        for handoff in holder.function.handoffs
    )


def _may_return_on_purpose(pruner: PrunerRef) -> bool:
    """A WilcoxonPruner (also wrapped) is used by returning; an unknown pruner may be one."""
    if pruner.kind in ("unknown", "call"):
        return True
    if pruner.class_name == "WilcoxonPruner":
        return True
    return pruner.wrapped is not None and _may_return_on_purpose(pruner.wrapped)
