"""OPL308: a name reached through `optuna.integration`, which Optuna is removing."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.facts import OptunaImport, OptunaReference
from optuna_lint.findings import Applicability, Edit, Finding, Fix, Span
from optuna_lint.optuna_names import INTEGRATION_NAMES
from optuna_lint.rules.base import Rule, RuleContext

DEPRECATED = "optuna.integration"
REPLACEMENT = "optuna_integration"


def provided(path: list[str]) -> bool:
    """Whether `optuna_integration` offers `optuna_integration.<path>` (a module, or a name of
    the package or of one of its modules)."""
    if len(path) == 1:
        return path[0] in INTEGRATION_NAMES[""]
    if len(path) == 2:
        return path[1] in INTEGRATION_NAMES.get(path[0], frozenset())
    return False


class DeprecatedIntegrationImport(Rule):
    """## What it does
    Finds imports and attribute chains through `optuna.integration` (`from
    optuna.integration import PyTorchLightningPruningCallback`, `import optuna.integration.lightgbm
    as lgb`, `optuna.integration.XGBoostPruningCallback(...)`) for names the
    `optuna_integration` package provides.

    ## Why is this bad?
    `optuna.integration` is deprecated since Optuna 4.9 and will be removed in 6.0; the
    integrations live in the `optuna-integration` package. Code importing through the old
    path warns today and will fail after an upgrade.

    ## Known problems
    Names `optuna_integration` does not provide (according to the table generated from it)
    are left alone, and so are the modules of `optuna.integration` itself and imports in an
    `except ImportError:` block (a fallback for older installations). `import
    optuna.integration.x` without `as` binds `optuna`, so it is reported without a fix, and so
    is an attribute chain in a file where a variable is named `optuna_integration`.

    ## Example
    ```python
    from optuna.integration import PyTorchLightningPruningCallback
    ```

    ## Use instead
    ```python
    from optuna_integration import PyTorchLightningPruningCallback
    ```

    ## Fix safety
    The fix is safe: it names the same class or module in its new package, which
    `optuna.integration` itself forwards to; it adds `import optuna_integration` when an
    attribute chain needs that name and no import binds it.
    """

    code = "OPL308"
    name = "deprecated-integration-import"
    summary = (
        "an import or attribute through `optuna.integration` (deprecated since Optuna 4.9) "
        "where `optuna_integration` provides the same name"
    )
    fix_summary = "safe: use `optuna_integration` instead, adding its import when needed"
    fix_availability = "safe"

    def check(self, context: RuleContext) -> Iterator[Finding]:
        module = context.project.module_name(context.path) or ""
        if module == DEPRECATED or module.startswith(DEPRECATED + "."):
            return  # the deprecated package's own modules are not its users
        facts = context.facts
        imported = set()
        for statement in facts.optuna_imports:
            if statement.fallback or (
                statement.module != DEPRECATED and not statement.module.startswith(DEPRECATED + ".")
            ):
                continue  # `except ImportError:` fallbacks serve older installations
            path = statement.module.split(".")[2:]
            names = statement.names or ()
            if (path and not provided(path)) or not all(provided([*path, n]) for n in names):
                continue
            imported.add(statement.span.start_offset)
            written = (
                f"from {statement.module} import {', '.join(names)}"
                if statement.names is not None
                else f"import {statement.module}"
            )
            yield self._finding(written, statement.span, _import_fix(statement), context)
        for reference in _outermost(facts.optuna_references):
            if reference.span.start_offset in imported:
                continue
            path = reference.qualified.split(".")[2:]
            inner = _inner_integration(reference, facts.optuna_references)
            if inner is None or not provided(path):
                continue
            bound = any(
                local == REPLACEMENT and qualified == REPLACEMENT
                for local, qualified in facts.imports
            )
            if REPLACEMENT in facts.assigned_names:
                # A variable of that name somewhere would shadow the module the fix needs.
                yield self._finding(reference.qualified, reference.span, None, context)
                continue
            edits = [Edit(inner.span.start_offset, inner.span.end_offset, REPLACEMENT)]
            if not bound:
                at = facts.names.import_insert_at
                edits.insert(0, Edit(at, at, f"import {REPLACEMENT}{facts.names.newline}"))
            fix = Fix(
                message=f"Use `{REPLACEMENT}`",
                applicability=Applicability.SAFE,
                edits=tuple(edits),
            )
            yield self._finding(reference.qualified, reference.span, fix, context)

    def _finding(self, written: str, span: Span, fix: Fix | None, context: RuleContext) -> Finding:
        return Finding(
            code=self.code,
            name=self.name,
            message=(
                f"`{written}` goes through `optuna.integration`, deprecated since Optuna 4.9 and "
                f"removed in 6.0: `{REPLACEMENT}` provides the same"
            ),
            filename=context.display_path,
            span=span,
            fix=fix,
        )


def _import_fix(statement: OptunaImport) -> Fix | None:
    if statement.names is None and not statement.aliased:
        return None  # `import optuna.integration.x` binds `optuna`: renaming changes that
    new = REPLACEMENT + statement.module[len(DEPRECATED) :]
    return Fix(
        message=f"Import from `{new}`",
        applicability=Applicability.SAFE,
        edits=(Edit(statement.span.start_offset, statement.span.end_offset, new),),
    )


def _outermost(references: tuple[OptunaReference, ...]) -> Iterator[OptunaReference]:
    """Attribute chains under `optuna.integration.` that no longer chain contains."""
    chains = [r for r in references if r.qualified.startswith(DEPRECATED + ".")]
    for reference in chains:
        if not any(
            other.span.start_offset == reference.span.start_offset
            and other.span.end_offset > reference.span.end_offset
            for other in chains
        ):
            yield reference


def _inner_integration(
    reference: OptunaReference, references: tuple[OptunaReference, ...]
) -> OptunaReference | None:
    """The `<optuna>.integration` part at the head of an attribute chain."""
    for other in references:
        if (
            other.qualified == DEPRECATED
            and other.span.start_offset == reference.span.start_offset
            and other.span != other.name_span
        ):
            return other
    return None
