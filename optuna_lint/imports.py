"""Which Optuna (or other) object each name of a module refers to, read from its imports.

The table is built from the import statements alone: the linter never imports the code it
reads. `import optuna as opt` binds `opt` to `optuna`; `from optuna.pruners import MedianPruner
as MP` binds `MP` to `optuna.pruners.MedianPruner`. Names that do not start with an imported
name do not resolve. Relative imports keep their leading dots: `from .loop import fit` binds
`fit` to `.loop.fit`.
"""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

# Optuna re-exports these under shorter public names; rules compare canonical names only.
_CANONICAL = {
    "optuna.exceptions.TrialPruned": "optuna.TrialPruned",
    "optuna.structs.TrialPruned": "optuna.TrialPruned",
    "optuna.study.create_study": "optuna.create_study",
    "optuna.study.load_study": "optuna.load_study",
    "optuna.trial.Trial": "optuna.Trial",
}


def dotted_name(expression: cst.BaseExpression) -> str | None:
    """`a.b.c` for a chain of attributes on a name, else None."""
    parts = []
    while isinstance(expression, cst.Attribute):
        parts.append(expression.attr.value)
        expression = expression.value
    if not isinstance(expression, cst.Name):
        return None
    parts.append(expression.value)
    return ".".join(reversed(parts))


class ImportTable:
    """Local names bound by import statements, mapped to the qualified names they stand for."""

    def __init__(self) -> None:
        self._bindings: dict[str, str] = {}
        self._ambiguous: set[str] = set()

    def add_statement(self, statement: cst.Import | cst.ImportFrom) -> None:
        for local, qualified in _bindings_of(statement):
            if local in self._bindings and self._bindings[local] != qualified:
                self._ambiguous.add(local)
            self._bindings[local] = qualified

    def resolve(self, name: str | None, canonical: bool = True) -> str | None:
        """The qualified name of a dotted local name (in canonical form unless asked not to),
        or None when not imported."""
        if name is None:
            return None
        head, _, rest = name.partition(".")
        if head in self._ambiguous or head not in self._bindings:
            return None
        qualified = self._bindings[head] + ("." + rest if rest else "")
        return _CANONICAL.get(qualified, qualified) if canonical else qualified

    def resolve_expression(self, expression: cst.BaseExpression) -> str | None:
        return self.resolve(dotted_name(expression))

    def copy(self) -> ImportTable:
        table = ImportTable()
        table._bindings = dict(self._bindings)
        table._ambiguous = set(self._ambiguous)
        return table

    def is_bound(self, local: str) -> bool:
        return local in self._bindings

    def items(self) -> Iterable[tuple[str, str]]:
        return sorted(self._bindings.items())

    def local_names_for(self, qualified: str) -> list[str]:
        """Local names that stand for exactly `qualified` (canonical form), sorted."""
        return sorted(
            local
            for local, target in self._bindings.items()
            if local not in self._ambiguous and _CANONICAL.get(target, target) == qualified
        )


def _bindings_of(statement: cst.Import | cst.ImportFrom) -> Iterable[tuple[str, str]]:
    if isinstance(statement, cst.Import):
        for alias in statement.names:
            module = dotted_name(alias.name)
            if module is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                yield alias.asname.name.value, module
            else:
                # `import a.b` binds `a`, which stands for the package `a`.
                head = module.split(".")[0]
                yield head, head
        return

    if isinstance(statement.names, cst.ImportStar):
        return
    module = dotted_name(statement.module) if statement.module is not None else ""
    if module is None:
        return
    # A relative import keeps its leading dots (`from .loop import fit` gives `.loop.fit`);
    # the project model resolves them against the importing module's package.
    prefix = "." * len(statement.relative) + module
    if not prefix:
        return
    separator = "." if module else ""
    for alias in statement.names:
        if not isinstance(alias.name, cst.Name):
            continue
        local = alias.name.value
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            local = alias.asname.name.value
        yield local, f"{prefix}{separator}{alias.name.value}"
