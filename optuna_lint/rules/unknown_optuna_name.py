"""OPL304: a name of Optuna's API that current Optuna does not have."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from optuna_lint.facts import OptunaReference
from optuna_lint.findings import Applicability, Edit, Finding, Fix, Span
from optuna_lint.optuna_names import (
    OPTUNA_VERSION,
    PRUNER_PARAMETERS,
    PUBLIC_NAMES,
    TRIAL_ATTRIBUTES,
)
from optuna_lint.rules.base import Rule, RuleContext

# Aliases Optuna removed, with what replaced them.
REMOVED_NAMES = {
    "optuna.structs.TrialPruned": "optuna.TrialPruned",
    "optuna.structs.FrozenTrial": "optuna.trial.FrozenTrial",
    "optuna.structs.TrialState": "optuna.trial.TrialState",
    "optuna.structs.StudyDirection": "optuna.study.StudyDirection",
}


def close_names(name: str, candidates: frozenset[str]) -> list[str]:
    """The real names a mistyped one is close to (difflib, cutoff 0.6)."""
    return difflib.get_close_matches(name, sorted(candidates), n=3, cutoff=0.6)


class UnknownOptunaName(Rule):
    """## What it does
    Finds names under `optuna`, `optuna.pruners`, `optuna.exceptions` and `optuna.trial` that
    current Optuna does not have (a typo such as `ThreshholdPruner`, a removed alias such as
    `optuna.structs.TrialPruned`), methods a trial does not have (`trial.set_system_attr`,
    removed), `should_prune(step)` with an argument, keyword arguments an Optuna pruner
    does not accept
    (`MedianPruner(n_warmup_step=5)`), and positional arguments to `create_study` or
    `load_study`. The names come from a table generated from Optuna (see `optuna_names.py`), so
    the linter never imports Optuna.

    ## Why is this bad?
    Each of these fails when the line runs, often after the data is loaded and the model built:
    an `AttributeError` or `ImportError` for a name, a `TypeError` for a keyword, and since
    Optuna 5.0 an error for positional arguments to the study factories.

    ## Known problems
    Names reached through a variable, or through modules other than the four above, are not
    checked, nor private names (`optuna._imports`). Trial methods are checked on variables
    known to hold the trial. Compatibility code is left alone: a name used under an `if
    hasattr(x, "<name>")` test (also in `... if hasattr(...) else ...` and `hasattr(...) and
    ...`), or in a `try` that catches `ImportError` or `AttributeError`, or in such a handler.

    ## Example
    ```python
    pruner = optuna.pruners.ThreshholdPruner(upper=50.0)
    ```

    ## Use instead
    ```python
    pruner = optuna.pruners.ThresholdPruner(upper=50.0)
    ```

    ## Fix safety
    Renaming is safe when exactly one real name is close to the written one, or when the name
    is a removed alias with a known replacement: the code cannot run as written, and the
    rename is the only name it can have meant. There is no fix otherwise, nor for a name in a
    `from ... import` (its uses elsewhere would keep the old name), for a trial method (a
    removed method's closest name may do something else), or for positional arguments.
    """

    code = "OPL304"
    name = "unknown-optuna-name"
    summary = (
        "a name under `optuna`, `optuna.pruners`, `optuna.exceptions` or `optuna.trial` that "
        "current Optuna lacks, a keyword a pruner does not accept, or positional arguments to "
        "`create_study`/`load_study`; the message suggests the closest real name"
    )
    fix_summary = "safe when exactly one close real name exists: rename"
    fix_availability = "sometimes"

    def check(self, context: RuleContext) -> Iterator[Finding]:
        facts = context.facts
        for reference in facts.optuna_references:
            module, _, name = reference.qualified.rpartition(".")
            # Private names (`optuna._imports`) are Optuna's own business: not checked.
            if module not in PUBLIC_NAMES or name in PUBLIC_NAMES[module] or name.startswith("_"):
                continue
            if reference.existence_checked:
                continue  # compatibility code that is ready for the name to be missing
            fix = self._removed_alias_fix(reference, facts.optuna_references)
            if fix is not None:
                yield self._finding(
                    f"`{reference.qualified}` was removed from Optuna",
                    [],
                    reference.name_span,
                    fix,
                    context,
                )
                continue
            matches = close_names(name, PUBLIC_NAMES[module])
            # A name imported with `from ... import` is used elsewhere under the same name:
            # renaming the import alone would break those uses.
            renamable = len(matches) == 1 and reference.span != reference.name_span
            yield self._finding(
                f"`{reference.qualified}` does not exist in Optuna {OPTUNA_VERSION}",
                matches,
                reference.name_span,
                _rename(reference.name_span, matches[0]) if renamable else None,
                context,
            )
        for pruner in facts.pruners:
            accepted = PRUNER_PARAMETERS.get(pruner.class_name, frozenset())
            if not accepted or "kwargs" in accepted:
                continue
            for keyword, span in pruner.keywords:
                if keyword not in accepted:
                    matches = close_names(keyword, accepted)
                    fix = _rename(span, matches[0]) if len(matches) == 1 else None
                    yield self._finding(
                        f"`{pruner.class_name}` has no parameter `{keyword}`",
                        matches,
                        span,
                        fix,
                        context,
                    )
        for holder in context.project.trial_holders(context.path):
            for call in holder.function.trial_calls:
                if call.receiver != holder.variable or call.method_span is None:
                    continue
                if (
                    call.method not in TRIAL_ATTRIBUTES
                    and not call.method.startswith("_")
                    and not call.existence_checked
                ):
                    # No fix: a removed method's closest name (`set_system_attr`,
                    # `set_user_attr`) may do something else.
                    yield self._finding(
                        f"A trial has no method `{call.method}` in Optuna {OPTUNA_VERSION}",
                        close_names(call.method, TRIAL_ATTRIBUTES),
                        call.method_span,
                        None,
                        context,
                    )
                elif call.method == "should_prune" and call.argument_count:
                    yield self._finding(
                        "`should_prune()` takes no argument: it checks the last reported step",
                        [],
                        call.span,
                        None,
                        context,
                    )
        for study in facts.studies:
            if study.positional_argument is not None:
                yield self._finding(
                    f"`{study.factory}` takes keyword arguments only: positional arguments are "
                    "an error since Optuna 5.0",
                    [],
                    study.positional_argument,
                    None,
                    context,
                )

    def _finding(
        self,
        what: str,
        matches: list[str],
        span: Span,
        fix: Fix | None,
        context: RuleContext,
    ) -> Finding:
        suggestion = f"; did you mean `{matches[0]}`?" if matches else ""
        return Finding(
            code=self.code,
            name=self.name,
            message=what + suggestion,
            filename=context.display_path,
            span=span,
            fix=fix,
        )

    @staticmethod
    def _removed_alias_fix(
        reference: OptunaReference, references: tuple[OptunaReference, ...]
    ) -> Fix | None:
        """For `optuna.structs` in `optuna.structs.TrialPruned`: the whole chain renamed."""
        for outer in references:
            replacement = REMOVED_NAMES.get(outer.qualified)
            if (
                replacement is not None
                and outer.span.start_offset == reference.span.start_offset
                and outer.span.end_offset > reference.span.end_offset
            ):
                # Keep the module's own spelling of `optuna` (`opt.` under `import optuna as
                # opt`): only the part after it changes.
                head_end = (
                    outer.span.start_offset
                    + (reference.span.end_offset - reference.span.start_offset)
                    - len(reference.qualified.rsplit(".", 1)[-1])
                    - 1
                )
                return Fix(
                    message=f"Use `{replacement}` instead of `{outer.qualified}`",
                    applicability=Applicability.SAFE,
                    edits=(
                        Edit(
                            head_end,
                            outer.span.end_offset,
                            replacement[len("optuna") :],
                        ),
                    ),
                )
        return None


def _rename(span: Span, name: str) -> Fix:
    return Fix(
        message=f"Rename to `{name}`",
        applicability=Applicability.SAFE,
        edits=(Edit(span.start_offset, span.end_offset, name),),
    )
