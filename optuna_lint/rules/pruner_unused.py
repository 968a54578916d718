"""OPL110: a pruner is built, bound to a name, and given to no study."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.facts import MODULE_SCOPE
from optuna_lint.findings import Finding
from optuna_lint.rules.base import Rule, RuleContext


class PrunerUnused(Rule):
    """## What it does
    Finds an Optuna pruner that is built and bound to a name that nothing reads afterwards: no
    study receives it.

    ## Why is this bad?
    The pruner was configured and then forgotten, typically while the study gets `pruner=None`
    or no `pruner=` at all, which silently selects the default MedianPruner: the settings the
    author chose never take effect.

    ## Known problems
    A name that is read anywhere (passed to a function, returned, stored) counts as used, even
    when the linter cannot see where it goes; `_`, the name for a value discarded on purpose,
    is not reported, nor a module-level pruner in a file that creates no study (another
    module may import it).

    ## Example
    ```python
    pruner = optuna.pruners.HyperbandPruner(min_resource=1, max_resource=50)
    study = optuna.create_study(pruner=None)
    ```

    ## Use instead
    ```python
    pruner = optuna.pruners.HyperbandPruner(min_resource=1, max_resource=50)
    study = optuna.create_study(pruner=pruner)
    ```

    ## Fix safety
    There is no fix: which study the pruner was meant for is the author's call.
    """

    code = "OPL110"
    name = "pruner-unused"
    summary = "a pruner is built and bound to a name that no study receives and nothing reads"

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for pruner in context.facts.pruners:
            if (
                pruner.binding not in (None, "_")  # `_ = ...` discards it on purpose
                and not pruner.given_to_study
                and not pruner.binding_read
                # A module-level pruner in a file without a study may be imported elsewhere.
                and (pruner.scope != MODULE_SCOPE or context.facts.studies)
            ):
                yield Finding(
                    code=self.code,
                    name=self.name,
                    message=(
                        f"`{pruner.binding} = {pruner.class_name}(...)` is given to no study: "
                        "its settings never take effect"
                    ),
                    filename=context.display_path,
                    span=pruner.span,
                )
