"""Where each integration pruning callback of a module goes: the training call it is handed to
in `callbacks=[...]`, and the `fit`/`compile` calls on the object that call builds or is made on.

The rules about callback arguments (a monitored metric, an evaluation name) compare them with
what that training logs, so they need the literal arguments of these calls; this module reads
them, within the function the callback is built in, and nothing further.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import libcst as cst

from optuna_lint.facts import CalleeRef, PruningCallbackUse, StringArgument, TrainingCall
from optuna_lint.syntax import argument, literal_string
from optuna_lint.traversal import FunctionRecord, RawCallbackConstruction

if TYPE_CHECKING:
    from optuna_lint.gather import FactBuilder

# The methods whose calls on the trained object say what training logs.
_TRAINING_METHODS = frozenset({"fit", "compile"})


def literal_value(expression: cst.BaseExpression | None) -> object:
    """A string literal as the string, a list or tuple as the tuple of its elements' literal
    values, anything else (a starred element included) as None."""
    text = literal_string(expression)
    if text is not None:
        return text
    if isinstance(expression, (cst.List, cst.Tuple)) and not any(
        isinstance(element, cst.StarredElement) for element in expression.elements
    ):
        return tuple(literal_value(element.value) for element in expression.elements)
    return None


class _Plan:
    """What one callback construction leads to, as syntax nodes."""

    def __init__(self, raw: RawCallbackConstruction, builder: FactBuilder) -> None:
        self.raw = raw
        self.host: cst.Call | None = None
        self.other_callbacks: tuple[cst.BaseExpression, ...] = ()
        self.object_calls: list[cst.Call] = []
        self.object_followed = False

        hosts = [
            (raw_list, element)
            for raw_list in builder.traversal.callback_lists
            if raw_list.scope is raw.scope
            for element in raw_list.elements
            if element is raw.call or _bound_to(element, raw.call, raw.scope, builder)
        ]
        if len(hosts) != 1:
            return
        raw_list, element = hosts[0]
        self.host = raw_list.call
        self.other_callbacks = tuple(e for e in raw_list.elements if e is not element)

        trained = _trained_object(self.host, raw.scope, builder)
        if trained is None:
            return
        uses = _ObjectUses(trained)
        scope_node = raw.scope.node if raw.scope is not None else builder.module
        scope_node.visit(uses)
        self.object_calls = uses.calls
        self.object_followed = not uses.escapes and builder.value_of(trained, raw.scope) is not None


def _bound_to(
    element: cst.BaseExpression,
    call: cst.Call,
    scope: FunctionRecord | None,
    builder: FactBuilder,
) -> bool:
    """Whether `element` is a name bound once, to `call`."""
    if not isinstance(element, cst.Name):
        return False
    found = builder.value_of(element.value, scope)
    return found is not None and found[0] is call


def _trained_object(
    host: cst.Call, scope: FunctionRecord | None, builder: FactBuilder
) -> str | None:
    """The plain name of the object training runs on: `model` in `model.fit(...)`, or
    `trainer` in `trainer = Trainer(callbacks=[...])`."""
    receiver = _receiver(host, scope, builder)
    if receiver is not None:
        return receiver
    binding = builder.traversal.binding_of(host)
    return binding if binding is not None and "." not in binding else None


def _receiver(call: cst.Call, scope: FunctionRecord | None, builder: FactBuilder) -> str | None:
    """`model` in `model.fit(...)`: the plain name a method is called on, when it is not an
    imported module or class (`lgb` in `lgb.train(...)`)."""
    func = call.func
    if (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Name)
        and not builder.imports_in(scope).is_bound(func.value.value)
    ):
        return func.value.value
    return None


class _ObjectUses(cst.CSTVisitor):
    """The `fit`/`compile` calls on a name, and whether the name is used otherwise than by
    calling or reading its attributes, or bound (which might hand it elsewhere)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.calls: list[cst.Call] = []
        self.escapes = False
        self._accounted: set[int] = set()
        self._bindings = 0

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == self.name
            and func.attr.value in _TRAINING_METHODS
        ):
            self.calls.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._accounted.add(id(node.value))
        self._accounted.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._accounted.add(id(node.keyword))

    def visit_Param(self, node: cst.Param) -> None:
        self._accounted.add(id(node.name))

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        if isinstance(node.target, cst.Name) and node.target.value == self.name:
            self._accounted.add(id(node.target))
            self._bindings += 1
            self.escapes = self.escapes or self._bindings > 1

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.name and id(node) not in self._accounted:
            self.escapes = True


class CallbackAnalysis:
    """The `PruningCallbackUse` facts of a module, in two steps like `FunctionAnalysis`: the
    nodes whose positions are needed, then the facts once positions are known."""

    def __init__(self, builder: FactBuilder) -> None:
        self.builder = builder
        self.plans = [_Plan(raw, builder) for raw in builder.traversal.callback_constructions]

    def wanted_nodes(self) -> Iterator[cst.CSTNode]:
        for plan in self.plans:
            yield plan.raw.call
            for arg in plan.raw.call.args:
                yield arg.value
            if plan.host is not None:
                yield plan.host
            yield from plan.object_calls

    def facts(self) -> tuple[PruningCallbackUse, ...]:
        return tuple(self._use(plan) for plan in self.plans)

    def _use(self, plan: _Plan) -> PruningCallbackUse:
        call, scope = plan.raw.call, plan.raw.scope
        plain = [arg for arg in call.args if not arg.star]
        return PruningCallbackUse(
            qualified=plan.raw.qualified,
            scope=self.builder.traversal.scope_name(scope),
            span=self.builder.span(call),
            positional=tuple(self._string(arg.value) for arg in plain if arg.keyword is None),
            keywords=tuple(
                (arg.keyword.value, self._string(arg.value)) for arg in plain if arg.keyword
            ),
            has_star=any(arg.star for arg in call.args),
            arguments_end=(
                self.builder.offsets[id(call.args[-1].value)].end
                if call.args
                else self.builder.offsets[id(call)].end - 1
            ),
            host=self._training_call(plan.host, scope) if plan.host is not None else None,
            other_callbacks=tuple(self._callback_class(e, scope) for e in plan.other_callbacks),
            object_calls=tuple(self._training_call(c, scope) for c in plan.object_calls),
            object_followed=plan.object_followed,
        )

    def _string(self, expression: cst.BaseExpression) -> StringArgument | None:
        value = literal_string(expression)
        if value is None:
            return None
        quote = ""
        if isinstance(expression, cst.SimpleString):
            quote = expression.prefix + expression.quote
        return StringArgument(value, self.builder.span(expression), quote)

    def _training_call(self, call: cst.Call, scope: FunctionRecord | None) -> TrainingCall:
        receiver = _receiver(call, scope, self.builder)
        method = call.func.attr.value if receiver is not None else None
        return TrainingCall(
            callee=self._callee(call.func, scope),
            method=method,
            receiver=receiver,
            keywords=tuple(
                (arg.keyword.value, literal_value(arg.value)) for arg in call.args if arg.keyword
            ),
            positional_count=sum(1 for arg in call.args if arg.keyword is None and not arg.star),
            has_star=any(arg.star for arg in call.args),
            span=self.builder.span(call),
            model=self._model_class(call, scope) if method == "fit" else None,
        )

    def _callee(self, func: cst.BaseExpression, scope: FunctionRecord | None) -> CalleeRef:
        return self.builder.traversal.callee(func, scope, self.builder.imports_in(scope))

    def _constructor(
        self, expression: cst.BaseExpression | None, scope: FunctionRecord | None
    ) -> CalleeRef | None:
        """What built a value: the callee of a call, directly or through a name bound once."""
        if isinstance(expression, cst.Name):
            found = self.builder.value_of(expression.value, scope)
            if found is None:
                return None
            expression, scope = found
        if not isinstance(expression, cst.Call):
            return None
        callee = self._callee(expression.func, scope)
        return callee if callee.kind in ("local", "qualified") else None

    def _model_class(self, call: cst.Call, scope: FunctionRecord | None) -> CalleeRef | None:
        return self._constructor(argument(call, 0, "model"), scope)

    def _callback_class(
        self, expression: cst.BaseExpression, scope: FunctionRecord | None
    ) -> str | None:
        callee = self._constructor(expression, scope)
        return callee.name if callee is not None and callee.kind == "qualified" else None
