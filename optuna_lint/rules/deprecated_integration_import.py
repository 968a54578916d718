"""OPL308: a name reached through `optuna.integration`, which Optuna is removing."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.facts import FileFacts, OptunaImport, OptunaReference
from optuna_lint.findings import Applicability, Edit, Finding, Fix, Span
from optuna_lint.optuna_names import INTEGRATION_NAMES
from optuna_lint.rules.base import Rule, RuleContext

DEPRECATED = "optuna.integration"
REPLACEMENT = "optuna_integration"


def provided(path: list[str]) -> bool:
    """Whether `optuna_integration.<path>` exists: its first part is a name of the package, and
    when that is a module of the package, the second part is a name of that module (anything
    deeper is an attribute of an object the package provides)."""
    if not path or path[0] not in INTEGRATION_NAMES[""]:
        return False
    if len(path) >= 2 and path[0] in INTEGRATION_NAMES:
        return path[1] in INTEGRATION_NAMES[path[0]]
    return True


def _is_deprecated(module: str) -> bool:
    return module == DEPRECATED or module.startswith(DEPRECATED + ".")


def _is_part_of_optuna(module: str) -> bool:
    return module == "optuna" or module.startswith("optuna.")


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
    are left alone, and so are the modules of Optuna itself and imports in an
    `except ImportError:` block (a fallback for older installations). An import that binds a
    module (`import optuna.integration as oi`, `from optuna import integration`) is renamed
    only when every use of `optuna.integration` in the file names something the new package
    provides. `import optuna.integration.x` without `as` binds `optuna`: it and the chains
    written through it are renamed together, and only when another module-level `import
    optuna` keeps that name bound; otherwise they are reported without a fix. An attribute
    chain in a file where a variable is named `optuna_integration` gets no fix either.

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
        if _is_part_of_optuna(module):
            return  # Optuna's own modules provide the deprecated path; they do not use it
        plan = _RenamePlan(context.facts)
        for statement in plan.statements:
            written = (
                f"from {statement.module} import {', '.join(statement.names)}"
                if statement.names is not None
                else f"import {statement.module}"
            )
            yield self._finding(written, statement.span, plan.import_fix(statement), context)
        for chain, _ in plan.chains:
            yield self._finding(chain.qualified, chain.span, plan.chain_fix(chain), context)

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


class _RenamePlan:
    """Which imports and attribute chains of a file go through `optuna.integration`, and the
    edits that move them to `optuna_integration` without leaving a name unbound."""

    def __init__(self, facts: FileFacts) -> None:
        self.facts = facts
        chains = list(_outermost(facts.optuna_references))
        # Renaming a module import renames every use made through it, so it is only done when
        # every use in the file names something the new package provides.
        self.every_use_provided = all(provided(_path(chain.qualified)) for chain in chains)
        self.statements = [
            statement
            for statement in facts.optuna_imports
            if _imports_provided_names(statement) and not statement.fallback
        ]
        # Chains written out in full (`optuna.integration.X`), with their `optuna.integration`
        # head; uses through an imported alias are fixed by fixing the import.
        self.chains = [
            (chain, head)
            for chain in chains
            if provided(_path(chain.qualified))
            and (head := _inner_integration(chain, facts.optuna_references)) is not None
        ]
        self.shadowed = REPLACEMENT in facts.assigned_names
        self.bare_imports = [s for s in self.statements if s.names is None and not s.aliased]

    def import_fix(self, statement: OptunaImport) -> Fix | None:
        if not self.every_use_provided:
            return None
        if statement.names is None and not statement.aliased:
            return self._bare_import_fix()
        new_module = REPLACEMENT + statement.module[len(DEPRECATED) :]
        if statement.module == "optuna":
            # `from optuna import integration [as name]` binds the module itself.
            if statement.names != ("integration",):
                return None
            edit = Edit(
                statement.statement_span.start_offset,
                statement.statement_span.end_offset,
                f"import {REPLACEMENT} as {statement.bound[0]}",
            )
        else:
            edit = Edit(statement.span.start_offset, statement.span.end_offset, new_module)
        return Fix(
            message=f"Import from `{new_module}`" if statement.names else f"Import `{new_module}`",
            applicability=Applicability.SAFE,
            edits=(edit,),
        )

    def chain_fix(self, chain: OptunaReference) -> Fix | None:
        if self.shadowed:
            return None  # a variable of that name would shadow the module the fix needs
        if self.bare_imports:
            # The chains come with `import optuna.integration`: rename both at once.
            return self._bare_import_fix()
        head = next(h for c, h in self.chains if c is chain)
        edits = [Edit(head.span.start_offset, head.span.end_offset, REPLACEMENT)]
        if not self._replacement_bound():
            at = self.facts.names.import_insert_at
            edits.insert(0, Edit(at, at, f"import {REPLACEMENT}{self.facts.names.newline}"))
        return Fix(
            message=f"Use `{REPLACEMENT}`", applicability=Applicability.SAFE, edits=tuple(edits)
        )

    def _bare_import_fix(self) -> Fix | None:
        """`import optuna.integration[.x]` binds `optuna`: it can become `import
        optuna_integration[.x]` only together with every chain written through it, and only
        when another module-level `import optuna` keeps `optuna` bound."""
        if not self.every_use_provided or self.shadowed or not self._optuna_bound_elsewhere():
            return None
        edits = [
            Edit(s.span.start_offset, s.span.end_offset, REPLACEMENT + s.module[len(DEPRECATED) :])
            for s in self.bare_imports
        ]
        edits.extend(
            Edit(h.span.start_offset, h.span.end_offset, REPLACEMENT) for _, h in self.chains
        )
        return Fix(
            message=f"Use `{REPLACEMENT}`",
            applicability=Applicability.SAFE,
            edits=tuple(sorted(edits, key=lambda edit: edit.start_offset)),
        )

    def _optuna_bound_elsewhere(self) -> bool:
        if any(s.in_function for s in self.bare_imports):
            return False
        return any(
            statement.names is None
            and statement.bound == ("optuna",)
            and not _is_deprecated(statement.module)
            and not statement.in_function
            and not statement.fallback
            for statement in self.facts.optuna_imports
        )

    def _replacement_bound(self) -> bool:
        return any(
            local == REPLACEMENT and qualified == REPLACEMENT
            for local, qualified in self.facts.imports
        )


def _path(qualified: str) -> list[str]:
    """The parts after `optuna.integration`."""
    return qualified.split(".")[2:]


def _imports_provided_names(statement: OptunaImport) -> bool:
    """Whether the statement imports through `optuna.integration` only what the new package
    provides."""
    if statement.module == "optuna":
        return statement.names is not None and "integration" in statement.names
    if not _is_deprecated(statement.module):
        return False
    path = _path(statement.module)
    if path and not provided(path):
        return False
    return all(provided([*path, name]) for name in statement.names or ())


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
