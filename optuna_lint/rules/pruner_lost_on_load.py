"""OPL307: a worker loads a study without its pruner, which Optuna does not store."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.findings import Finding
from optuna_lint.linking import Answer
from optuna_lint.rules.base import Rule, RuleContext, describe_pruner, has_pruner


class PrunerLostOnLoad(Rule):
    """## What it does
    Finds `load_study(...)`, and `create_study(..., load_if_exists=True)`, without `pruner=`,
    for a study name that the project creates elsewhere with a pruner.

    ## Why is this bad?
    Optuna stores a study's trials, not its pruner. A worker that loads the study without
    `pruner=` prunes with the default MedianPruner, whatever pruner the study was created with:
    in a distributed run, where workers load the study, the pruner configured once is silently
    ignored by every worker.

    ## Known problems
    Study names are compared only when they are string literals. A study that is loaded but
    not optimized in the same file (to read its results) is not reported, nor one created with
    a `MedianPruner` built with Optuna's defaults, which is what the worker gets anyway.

    ## Example
    ```python
    # create.py
    optuna.create_study(study_name="search", storage=URL, pruner=HyperbandPruner())
    # worker.py
    study = optuna.load_study(study_name="search", storage=URL)
    ```

    ## Use instead
    ```python
    study = optuna.load_study(study_name="search", storage=URL, pruner=HyperbandPruner())
    ```

    ## Fix safety
    There is no fix: the pruner's settings live in the other module.
    """

    code = "OPL307"
    name = "pruner-lost-on-load"
    summary = (
        "`load_study(...)` or `create_study(..., load_if_exists=True)` without `pruner=` for a "
        "study name the project creates elsewhere with a pruner"
    )

    def check(self, context: RuleContext) -> Iterator[Finding]:
        optimized = {
            id(study)
            for call in context.facts.optimize_calls
            if (study := context.project.study_of(context.facts, call)) is not None
        }
        for study in context.facts.studies:
            loads = study.factory == "load_study" or study.load_if_exists is True
            if (
                not loads
                or study.pruner.kind != "absent"
                or study.study_name is None
                or id(study) not in optimized  # loaded to read results: nothing to prune
            ):
                continue
            for path, other in context.project.studies_named(study.study_name):
                pruner = context.project.pruner(path, other.pruner)
                # A MedianPruner with Optuna's defaults is what the worker gets anyway.
                default_median = pruner.class_name == "MedianPruner" and not pruner.configured
                if (
                    other.factory == "create_study"
                    and other.pruner.kind != "absent"
                    and not default_median
                    and has_pruner(pruner, assume_default_pruner=False) is Answer.YES
                ):
                    yield Finding(
                        code=self.code,
                        name=self.name,
                        message=(
                            f'`{study.factory}` of study "{study.study_name}" gets no pruner: '
                            "Optuna does not store pruners, so it prunes with the default "
                            f"MedianPruner, not the {describe_pruner(pruner)} the study is "
                            f"created with at {path}:{other.span.start.row}"
                        ),
                        filename=context.display_path,
                        span=study.span,
                    )
                    break
