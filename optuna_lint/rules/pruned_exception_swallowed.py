"""OPL107: a broad `except` catches the `TrialPruned` its `try` raises."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.facts import HandlerFacts
from optuna_lint.findings import Applicability, Edit, Finding, Fix
from optuna_lint.fix_text import trial_pruned_reference
from optuna_lint.rules.base import Rule, RuleContext


class PrunedExceptionSwallowed(Rule):
    """## What it does
    Finds a `try` whose body can raise `TrialPruned` (it raises it, calls a function it hands
    the trial to that checks, or runs training that a pruning callback passed on can abort),
    with a broad handler (`except:`, `Exception`, `BaseException`, `OptunaError`, or a tuple
    holding one) that catches it and does not raise it again, and no `except TrialPruned`
    before it.

    ## Why is this bad?
    `TrialPruned` is an `Exception`. Caught and not re-raised, it never reaches Optuna: the
    pruned trial is stored as COMPLETE with whatever the handler returns, or as FAIL when the
    handler raises another exception, and the sampler learns from a value that means nothing.

    ## Known problems
    A handler that re-raises only on some paths (`if ...: raise`) is taken as re-raising.

    ## Example
    ```python
    try:
        for epoch in range(25):
            loss = run_epoch(trial, epoch)
            trial.report(loss, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
    except Exception as exc:
        log.warning("trial failed: %s", exc)
        return float("inf")
    ```

    ## Use instead
    ```python
    try:
        ...
    except optuna.TrialPruned:
        raise
    except Exception as exc:
        log.warning("trial failed: %s", exc)
        return float("inf")
    ```

    ## Fix safety
    The fix adds `except TrialPruned: raise` before the broad handler. It is safe when that
    handler only logs, prints, returns, continues or passes; unsafe when it does anything else
    (cleanup, say), which pruned trials would then skip.
    """

    code = "OPL107"
    name = "pruned-exception-swallowed"
    summary = (
        "a `try` whose body can raise `TrialPruned` has a broad handler that catches it and "
        "does not re-raise it, with no earlier `except TrialPruned`"
    )
    fix_summary = (
        "safe when the broad handler only logs, prints, returns, continues or passes, unsafe "
        "otherwise: add `except TrialPruned: raise` before it"
    )
    fix_availability = "sometimes"

    def check(self, context: RuleContext) -> Iterator[Finding]:
        reported: set[int] = set()
        for holder in context.project.trial_holders(context.path):
            for tried in holder.function.tries:
                if not context.project.try_can_raise_pruned(holder, tried):
                    continue
                for handler in tried.handlers:
                    if handler.kind == "trial_pruned":
                        break  # an earlier handler takes TrialPruned
                    if handler.kind != "broad":
                        continue
                    if not handler.keeps_pruned and handler.span.start_offset not in reported:
                        reported.add(handler.span.start_offset)
                        yield self._finding(handler, context)
                    break  # a broad handler takes everything the later ones would

    def _finding(self, handler: HandlerFacts, context: RuleContext) -> Finding:
        return Finding(
            code=self.code,
            name=self.name,
            message=(
                f"`{handler.written}` catches the `TrialPruned` its `try` block can raise and "
                "does not re-raise it: pruned trials are not stored as PRUNED"
            ),
            filename=context.display_path,
            span=handler.span,
            fix=_fix(handler, context),
        )


def _fix(handler: HandlerFacts, context: RuleContext) -> Fix:
    names = context.facts.names
    trial_pruned, import_edits = trial_pruned_reference(names)
    text = (
        f"{handler.indent}except {trial_pruned}:{names.newline}"
        f"{handler.indent}{names.indent_unit}raise{names.newline}"
    )
    return Fix(
        message=f"Re-raise `{trial_pruned}` before the broad handler",
        applicability=Applicability.SAFE if handler.only_reports else Applicability.UNSAFE,
        edits=(*import_edits, Edit(handler.line_start, handler.line_start, text)),
    )
