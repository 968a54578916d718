"""Small questions about LibCST nodes that the traversal and the analyses share."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

from optuna_lint.imports import ImportTable, dotted_name
from optuna_lint.optuna_api import TRIAL_PRUNED


def block(suite: cst.BaseSuite | cst.CSTNode) -> Sequence[cst.BaseStatement]:
    """The statements of an indented block; a one-line suite has none the analysis walks."""
    if isinstance(suite, cst.IndentedBlock):
        return suite.body
    if isinstance(suite, (cst.If, cst.Else)):
        return block(suite.body)
    return ()


def sub_blocks(statement: cst.BaseStatement) -> Iterator[cst.CSTNode]:
    """Every block directly inside a compound statement."""
    for attribute in ("body", "orelse", "finalbody"):
        child = getattr(statement, attribute, None)
        if isinstance(child, cst.If):
            yield from sub_blocks(child)
            yield child.body
        elif isinstance(child, (cst.Else, cst.Finally)):
            yield child.body
        elif isinstance(child, cst.BaseSuite):
            yield child
    for handler in getattr(statement, "handlers", ()):
        yield handler.body
    for case in getattr(statement, "cases", ()):
        yield case.body


def sub_block(parent: cst.CSTNode, role: str) -> cst.CSTNode:
    """The block of `parent` that plays `role`, as the traversal names roles."""
    if role == "body":
        return parent.body
    if role == "orelse":
        return parent.orelse if isinstance(parent.orelse, cst.If) else parent.orelse.body
    if role == "else":
        return parent.orelse.body
    if role == "finally":
        return parent.finalbody.body
    if role.startswith("handler"):
        return parent.handlers[int(role[len("handler") :])].body
    return parent.cases[int(role[len("case") :])].body


def suite_statements(suite: cst.CSTNode) -> Sequence[cst.CSTNode]:
    """The statements of a block, or the small statements of a one-line suite."""
    if isinstance(suite, cst.SimpleStatementSuite):
        return suite.body
    return block(suite)


def argument(call: cst.Call, position: int, keyword: str) -> cst.BaseExpression | None:
    """The argument a call passes for a parameter, by keyword or position."""
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    if len(positional) > position:
        return positional[position].value
    return None


def target_names(target: cst.CSTNode) -> Iterator[str]:
    """The plain names an assignment target binds."""
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from target_names(target.value)


def should_prune_receiver(test: cst.BaseExpression) -> str | None:
    """`trial` for tests such as `trial.should_prune()` or `x and trial.should_prune()`."""
    if isinstance(test, cst.Call):
        func = test.func
        if isinstance(func, cst.Attribute) and func.attr.value == "should_prune":
            return dotted_name(func.value)
        return None
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return should_prune_receiver(test.left) or should_prune_receiver(test.right)
    if isinstance(test, cst.Comparison) and _is_true_test(test):
        return should_prune_receiver(test.left)
    return None


def _is_true_test(comparison: cst.Comparison) -> bool:
    """`x == True`, `x is True`, `x != False`, `x is not False`: true when `x` is."""
    if len(comparison.comparisons) != 1:
        return False
    target = comparison.comparisons[0]
    literal = literal_bool(target.comparator)
    if literal is None:
        return False
    positive = isinstance(target.operator, (cst.Equal, cst.Is))
    negative = isinstance(target.operator, (cst.NotEqual, cst.IsNot))
    return (positive and literal) or (negative and not literal)


def raises_trial_pruned(suite: cst.CSTNode, imports: ImportTable) -> bool:
    """Whether a block raises `TrialPruned` somewhere (nested functions and classes aside)."""
    for statement in suite_statements(suite):
        if isinstance(statement, cst.SimpleStatementLine):
            if any(_is_trial_pruned_raise(small, imports) for small in statement.body):
                return True
        elif isinstance(statement, cst.BaseSmallStatement):
            if _is_trial_pruned_raise(statement, imports):
                return True
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            continue
        elif any(raises_trial_pruned(child, imports) for child in sub_blocks(statement)):
            return True
    return False


def _is_trial_pruned_raise(small: cst.BaseSmallStatement, imports: ImportTable) -> bool:
    if not isinstance(small, cst.Raise) or small.exc is None:
        return False
    exception = small.exc.func if isinstance(small.exc, cst.Call) else small.exc
    return is_trial_pruned(exception, imports)


def is_trial_pruned(expression: cst.BaseExpression, imports: ImportTable) -> bool:
    """Whether an expression names Optuna's `TrialPruned`."""
    name = dotted_name(expression)
    if name is None:
        return False
    resolved = imports.resolve(name)
    if resolved is not None:
        return resolved == TRIAL_PRUNED
    # A name that no import explains (a star import, a re-export) still means the exception
    # when it is spelled that way.
    return name.split(".")[-1] == "TrialPruned"


def flags_set_true(suite: cst.CSTNode) -> Iterator[str]:
    """Names and attributes (`must_prune`, `self.is_pruned`) a block sets to `True`."""
    for statement in suite_statements(suite):
        smalls = statement.body if isinstance(statement, cst.SimpleStatementLine) else (statement,)
        for small in smalls:
            if (
                isinstance(small, cst.Assign)
                and isinstance(small.value, cst.Name)
                and small.value.value == "True"
            ):
                for target in small.targets:
                    name = dotted_name(target.target)
                    if name is not None:
                        yield name


_EXIT_KINDS = {
    cst.Raise: "raise",
    cst.Return: "return",
    cst.Break: "break",
    cst.Continue: "continue",
    cst.Pass: "pass",
}


def last_statement(suite: cst.CSTNode) -> cst.CSTNode | None:
    """The statement a block ends with: the last small statement of its last line, or its
    last compound statement."""
    statements = suite_statements(suite)
    if not statements:
        return None
    last = statements[-1]
    return last.body[-1] if isinstance(last, cst.SimpleStatementLine) else last


def branch_exit(suite: cst.CSTNode) -> str:
    """How a block ends: "raise", "return", "break", "continue", "pass", or "falls_through"."""
    last = last_statement(suite)
    for node_type, kind in _EXIT_KINDS.items():
        if isinstance(last, node_type):
            return kind
    return "falls_through"


def literal_string(expression: cst.BaseExpression | None) -> str | None:
    if isinstance(expression, (cst.SimpleString, cst.ConcatenatedString)):
        value = expression.evaluated_value
        return value if isinstance(value, str) else None
    return None


def literal_int(expression: cst.BaseExpression | None) -> int | None:
    if isinstance(expression, cst.Integer):
        return int(expression.evaluated_value)
    return None


def literal_bool(expression: cst.BaseExpression | None) -> bool | None:
    if isinstance(expression, cst.Name) and expression.value in ("True", "False"):
        return expression.value == "True"
    return None


def is_bare_expression(statement: cst.CSTNode | None, expression: cst.CSTNode) -> bool:
    """Whether `expression` is a statement of its own, its value thrown away."""
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(small, cst.Expr) and small.value is expression for small in statement.body
    )
