"""OPL306: `pruner=` gets something that is not a pruner instance."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.facts import StudyFacts
from optuna_lint.findings import Applicability, Edit, Finding, Fix
from optuna_lint.rules.base import Rule, RuleContext

# Pruners whose constructor needs no argument: calling the class as it is makes an instance.
NO_ARGUMENT_PRUNERS = frozenset(
    {"HyperbandPruner", "MedianPruner", "NopPruner", "SuccessiveHalvingPruner", "WilcoxonPruner"}
)


class PrunerNotAnInstance(Rule):
    """## What it does
    Finds `create_study`/`load_study` calls whose `pruner=` is a pruner class instead of an
    instance (`pruner=MedianPruner`), `True`, a non-empty string or a non-zero number, or a falsy
    literal (`False`, `0`, `""`).

    ## Why is this bad?
    `create_study` does not check the value. A class or a truthy literal is kept, and the first
    trial fails at its first `should_prune()`, which stops `optimize`. A falsy literal is
    replaced by the default MedianPruner without a word, which is rarely what was meant.

    ## Known problems
    Only literals and Optuna's own pruner classes are recognised; a variable holding one is not
    followed.

    ## Example
    ```python
    study = optuna.create_study(pruner=optuna.pruners.MedianPruner)
    ```

    ## Use instead
    ```python
    study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
    ```

    ## Fix safety
    Calling a class whose constructor needs no argument (Median, Nop, SuccessiveHalving,
    Hyperband, Wilcoxon) is safe: it builds the pruner with Optuna's defaults, which is what
    passing the class evidently meant. Other classes and literals have no fix.
    """

    code = "OPL306"
    name = "pruner-not-an-instance"
    summary = (
        "`pruner=` receives a class instead of an instance, `True`, a non-empty string or a "
        "number (the first `should_prune()` fails), or a falsy literal (the default "
        "MedianPruner is used)"
    )
    fix_summary = "safe for a class whose constructor needs no argument: call it"
    fix_availability = "sometimes"

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for study in context.facts.studies:
            if study.pruner_misuse is None or study.pruner_value is None:
                continue
            yield Finding(
                code=self.code,
                name=self.name,
                message=_message(study),
                filename=context.display_path,
                span=study.pruner_value,
                fix=_fix(study),
            )


def _message(study: StudyFacts) -> str:
    if study.pruner_misuse == "class":
        return (
            f"`pruner=` gets the class `{study.pruner_class}`, not an instance: the first "
            "`should_prune()` fails and stops `optimize`"
        )
    if study.pruner_misuse == "truthy":
        return (
            "`pruner=` gets a value that is not a pruner: the first `should_prune()` fails and "
            "stops `optimize`"
        )
    return "`pruner=` gets a falsy value: Optuna silently uses the default MedianPruner"


def _fix(study: StudyFacts) -> Fix | None:
    if study.pruner_misuse != "class" or study.pruner_class not in NO_ARGUMENT_PRUNERS:
        return None
    end = study.pruner_value.end_offset
    return Fix(
        message=f"Use `{study.pruner_class}()`",
        applicability=Applicability.SAFE,
        edits=(Edit(end, end, "()"),),
    )
