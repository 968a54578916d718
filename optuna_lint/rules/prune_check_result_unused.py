"""OPL105: `trial.should_prune()` called as a statement, its answer thrown away."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.facts import TrialCall
from optuna_lint.findings import Applicability, Edit, Finding, Fix
from optuna_lint.fix_text import trial_pruned_reference
from optuna_lint.rules.base import Rule, RuleContext


class PruneCheckResultUnused(Rule):
    """## What it does
    Finds `trial.should_prune()` written as a statement of its own, wherever the trial goes
    (objectives and the helpers they hand the trial to).

    ## Why is this bad?
    `should_prune()` only answers; it does not stop the trial. Called on its own, the answer is
    thrown away and every trial trains to the end.

    ## Known problems
    None known.

    ## Example
    ```python
    trial.report(loss, epoch)
    trial.should_prune()
    ```

    ## Use instead
    ```python
    trial.report(loss, epoch)
    if trial.should_prune():
        raise optuna.TrialPruned()
    ```

    ## Fix safety
    The fix is unsafe: it makes the statement raise `TrialPruned` when the pruner says so, and
    from then on pruned trials stop there, so the code after it no longer runs for them. A call
    sharing its line with other statements (`x = 1; trial.should_prune()`) has no fix.
    """

    code = "OPL105"
    name = "prune-check-result-unused"
    summary = "`trial.should_prune()` is a bare expression statement"
    fix_summary = "unsafe: wrap it as `if trial.should_prune(): raise optuna.TrialPruned()`"
    fix_availability = "unsafe"

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for holder in context.project.trial_holders(context.path):
            for call in holder.function.trial_calls:
                if call.receiver == holder.variable and call.method == "should_prune" and call.bare:
                    yield Finding(
                        code=self.code,
                        name=self.name,
                        message=(
                            f"The answer of `{call.receiver}.should_prune()` is thrown away: "
                            "nothing raises `TrialPruned`, so no trial is ever pruned"
                        ),
                        filename=context.display_path,
                        span=call.span,
                        fix=self._fix(call, context),
                    )

    @staticmethod
    def _fix(call: TrialCall, context: RuleContext) -> Fix | None:
        if call.statement_end is None:
            return None  # on a line with other statements: an `if` cannot go there
        names = context.facts.names
        trial_pruned, import_edits = trial_pruned_reference(names)
        text = (
            f"if {call.receiver}.should_prune():{names.newline}"
            f"{call.indent}{names.indent_unit}raise {trial_pruned}()"
        )
        return Fix(
            message="Raise `TrialPruned` when the trial should be pruned",
            applicability=Applicability.UNSAFE,
            edits=(*import_edits, Edit(call.span.start_offset, call.span.end_offset, text)),
        )
