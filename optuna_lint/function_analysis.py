"""Facts about one function that need more than one node at a time: where a pruned trial
raises, which `set_user_attr` calls run after a prune check, and where a report could go.

Statement order is structural: the traversal records, for each statement, the block and index
it sits at, and "runs after" is read from those paths, never from line numbers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from optuna_lint.constant_values import NameLookup, known_number
from optuna_lint.facts import (
    MODULE_SCOPE,
    CallAfterCheck,
    FunctionFacts,
    HandlerFacts,
    MoveBeforeCheck,
    PruneCheck,
    ReportInsertion,
    TrialAlias,
    TrialCall,
    TrialEscape,
    TrialHandoff,
    TrialStore,
    TryFacts,
    UnraisedTrialPruned,
)
from optuna_lint.imports import ImportTable, dotted_name
from optuna_lint.syntax import (
    argument,
    block,
    branch_exit,
    flags_set_true,
    is_trial_pruned,
    last_statement,
    literal_string,
    raises_trial_pruned,
    sub_block,
    sub_blocks,
    suite_statements,
    target_names,
)
from optuna_lint.traversal import FunctionRecord, Placement, RawHandoff, RawTrialCall

if TYPE_CHECKING:
    from optuna_lint.gather import FactBuilder

# Calls that only convert a value already computed; a value passed through one of them is
# still the value computed before.
_CONVERSIONS = frozenset(
    {"float", "int", "str", "bool", "round", "abs", "len", "min", "max", "sum", "list", "tuple"}
)
_CONVERSION_METHODS = frozenset({"item", "tolist", "detach", "cpu", "numpy"})
_LITERAL_NAMES = frozenset({"True", "False", "None"})
_TENSOR_TO_PYTHON = frozenset({"item", "tolist"})
# `torch.*` functions that return Python values, not tensors.
_NOT_TENSORS = (
    "torch.cuda.",
    "torch.backends.",
    "torch.distributed.",
    "torch.numel",
    "torch.is_",
    "torch.get_",
    "torch.manual_seed",
)


@dataclass(frozen=True)
class _AfterCheck:
    """A call that stores a value and runs after a prune check, with what a fix needs."""

    receiver: str  # the trial the check is on
    call: cst.Call
    statement: cst.CSTNode
    check: cst.If
    stale_name: str
    movable: bool
    sink: str | None


class FunctionAnalysis:
    """Facts about one function that need more than one node at a time."""

    def __init__(self, record: FunctionRecord, builder: FactBuilder) -> None:
        self.record = record
        self.builder = builder
        self.placements: dict[int, Placement] = builder.traversal.placements
        self.imports = record.imports or builder.imports
        self.checks = [
            (receiver, node, loops, self._raise_point(node))
            for receiver, node, loops in record.checks
        ]
        self.attr_candidates = list(self._attr_candidates())
        self.sink_candidates = list(self._sink_candidates())
        self.report_plan = self._report_plan()

    # Prune checks

    def _raise_point(self, check: cst.If) -> cst.If | None:
        """The statement where a pruned trial raises: the check itself, or a later flag test."""
        if raises_trial_pruned(check.body, self.imports):
            return check
        flags = set(flags_set_true(check.body))
        for flag, flag_test in self.record.flag_raises:
            if flag in flags and self._is_after(check, flag_test):
                return flag_test
        return None

    def _exit(self, check: cst.If, point: cst.If | None) -> str:
        if point is check:
            return "raise"
        if point is not None:
            return "deferred"
        kind = branch_exit(check.body)
        if kind in ("break", "continue") and self._raise_follows(check):
            return "deferred"
        return kind

    def _raise_follows(self, check: cst.If) -> bool:
        """Whether a `raise` of `TrialPruned` (or of an exception the branch stores in a name,
        `error = TrialPruned(...)`) can run after the branch leaves or skips the loop."""
        stored = {
            name
            for name, value in _assignments_in(check.body)
            if isinstance(value, cst.Call) and is_trial_pruned(value.func, self.imports)
        }
        for statement, raised in self.record.raises:
            exception = raised.exc.func if isinstance(raised.exc, cst.Call) else raised.exc
            if exception is None or statement is None or not self._is_after(check, statement):
                continue
            if is_trial_pruned(exception, self.imports) or dotted_name(exception) in stored:
                return True
        return False

    # Statement order

    def _path(self, statement: cst.CSTNode) -> list[Placement]:
        path = []
        node = statement
        while node is not self.record.node:
            placement = self.placements.get(id(node))
            if placement is None:
                return []
            path.append(placement)
            node = placement.parent
        path.reverse()
        return path

    def _is_after(self, first: cst.CSTNode, second: cst.CSTNode) -> bool:
        """Whether `second` runs after `first` has run, in the same pass through the function.

        Later statements of the same block run after earlier ones; a loop's or a `try`'s
        `else` block runs after its body. Different branches of an `if`, and a handler after
        its `try` body, do not.
        """
        first_path, second_path = self._path(first), self._path(second)
        if not first_path or not second_path:
            return False
        for a, b in zip(first_path, second_path, strict=False):
            if a.parent is not b.parent:
                return False
            if a.role != b.role:
                return (a.role, b.role) in (
                    ("body", "orelse"),
                    ("body", "else"),
                ) and not isinstance(a.parent, cst.If)
            if a.index != b.index:
                return a.index < b.index
        return False

    def _in_finally(self, statement: cst.CSTNode) -> bool:
        return any(placement.role == "finally" for placement in self._path(statement))

    # set_user_attr after a check

    def _attr_candidates(self) -> Iterator[_AfterCheck]:
        """`<trial>.set_user_attr(...)` calls after a check on that same trial."""
        for trial_call in self.record.trial_calls:
            if trial_call.method == "set_user_attr":
                yield from self._after_check(
                    trial_call.call, trial_call.statement, trial_call.receiver, None
                )

    def _sink_candidates(self) -> Iterator[_AfterCheck]:
        """Metric sinks after a check on any trial: `mlflow.log_metric`, `wandb.log`,
        `add_scalar(s)` on a TensorBoard writer, `set_user_attr` on a study."""
        for sink_call in self.record.sink_calls:
            sink = self.builder.sink_name(sink_call, self.record)
            if sink is not None:
                yield from self._after_check(sink_call.call, sink_call.statement, None, sink)
        for trial_call in self.record.trial_calls:
            receiver = trial_call.receiver
            # `trial.study`: the study of a trial this function holds.
            trials_study = receiver.endswith(".study") and any(
                check_receiver == receiver[: -len(".study")] for check_receiver, *_ in self.checks
            )
            if trial_call.method == "set_user_attr" and (
                trials_study or self.builder.is_study(receiver)
            ):
                yield from self._after_check(
                    trial_call.call, trial_call.statement, None, "Study.set_user_attr"
                )

    def _after_check(
        self,
        call: cst.Call,
        statement: cst.CSTNode | None,
        receiver: str | None,
        sink: str | None,
    ) -> Iterator[_AfterCheck]:
        """The call, when it runs after a check (on `receiver`, or on any trial) that can
        raise, and stores a value computed before that check."""
        if statement is None or self._in_finally(statement):
            return
        checks = [
            (check_receiver, check, point)
            for check_receiver, check, _, point in self.checks
            if (receiver is None or check_receiver == receiver)
            and point is not None
            and self._is_after(point, statement)
        ]
        if not checks:
            return
        # The nearest check before the call decides: the one a pruned trial raises at last.
        check_receiver, check, point = checks[-1]
        read = self._names_read(call)
        stale = self._stale_name(read, point, statement)
        if stale is None:
            return
        insertion = self._insertion_statement(check) if point is check else None
        movable = (
            point is check
            and self._same_block(check, statement)
            # Moving before a statement that binds what the call reads (`report(v := ...)`)
            # would read it unbound.
            and not any(stmt is insertion and name in read for name, stmt in self.record.bindings)
        )
        yield _AfterCheck(check_receiver, call, statement, check, stale, movable, sink)

    @staticmethod
    def _names_read(call: cst.Call) -> list[str]:
        """The names a call's arguments read; empty when they compute anything beyond
        conversions (the value is then computed by the call itself)."""
        reader = _NameReader()
        # Sinks take (key, value, ...): the value is read first, so that a message naming one
        # of the names names the value rather than a name in the key or the step.
        positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
        others = [arg for arg in call.args if arg not in positional]
        for arg in [*positional[1:], *positional[:1], *others]:
            arg.value.visit(reader)
        return [] if reader.computes else reader.names

    def _stale_name(
        self, read: list[str], point: cst.CSTNode, statement: cst.CSTNode
    ) -> str | None:
        """A name the call reads whose value was computed before the check, if the call only
        stores such values; None when it stores something computed (bound,
        or changed in place: `history.append(v)`, `metrics[k] = v`) after the check."""
        if not read:
            return None
        if any(name in read and self._is_after(point, stmt) for name, stmt in self.record.bindings):
            return None
        if any(
            name in read
            and stmt is not None
            and stmt is not statement
            and self._is_after(point, stmt)
            and self._is_after(stmt, statement)
            for name, stmt in self.record.mutations
        ):
            return None
        # The message names a value of the step rather than the trial (`f"loss_{trial.number}"`
        # in a key) when there is one.
        trials = {check_receiver.split(".")[0] for check_receiver, *_ in self.checks}
        return next((name for name in read if name not in trials), read[0])

    def _same_block(self, check: cst.If, statement: cst.CSTNode) -> bool:
        check_place = self.placements.get(id(check))
        call_place = self.placements.get(id(statement))
        return (
            check_place is not None
            and call_place is not None
            and check_place.parent is call_place.parent
            and check_place.role == call_place.role
            and isinstance(statement, cst.SimpleStatementLine)
            and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Expr)
        )

    def _insertion_statement(self, check: cst.If) -> cst.CSTNode:
        """The check, or the `report` statement directly before it."""
        placement = self.placements[id(check)]
        if placement.index == 0:
            return check
        statements = block(sub_block(placement.parent, placement.role))
        previous = statements[placement.index - 1]
        if (
            isinstance(previous, cst.SimpleStatementLine)
            and len(previous.body) == 1
            and isinstance(previous.body[0], cst.Expr)
            and isinstance(previous.body[0].value, cst.Call)
            and isinstance(previous.body[0].value.func, cst.Attribute)
            and previous.body[0].value.func.attr.value == "report"
        ):
            return previous
        return check

    # Where a report could go

    def _report_plan(self) -> tuple[cst.For, cst.BaseExpression, str, cst.CSTNode] | None:
        record = self.record
        if isinstance(record.node, cst.Lambda) or not record.returns:
            return None
        returned = {
            r.value.value if isinstance(r.value, cst.Name) else None for r in record.returns
        }
        if len(returned) != 1 or None in returned:
            return None
        (value_name,) = returned

        for loop in reversed(record.outer_for_loops):
            step = _loop_index(loop)
            value = _last_binding_on_every_path(block(loop.body), value_name)
            if step is not None and value is not None and block(loop.body):
                return loop, value, step, block(loop.body)[-1]
        return None

    # Output

    def wanted_nodes(self) -> Iterator[cst.CSTNode]:
        record = self.record
        yield record.node
        for trial_call in record.trial_calls:
            yield trial_call.call
            yield trial_call.call.func.attr
            yield from trial_call.loops
            if trial_call.method == "report":
                value = argument(trial_call.call, 0, "value")
                if value is not None:
                    yield value
            if _is_statement_of(trial_call.statement, trial_call.call):
                yield trial_call.statement
            if trial_call.comparison is not None:
                yield trial_call.comparison
        for _, node, call in record.unraised_trial_pruned:
            yield node
            yield call
        yield from record.all_loops
        for node in record.tries:
            yield node.body
            for handler in node.handlers:
                yield handler
                raised = _trial_pruned_raise_in(handler.body, self.imports)
                if raised is not None:
                    yield raised
        for handoff in record.handoffs:
            yield handoff.call
            yield from handoff.loops
        yield from record.escapes.values()
        for _, _, node in record.stores:
            yield node
        for _, check, loops, _ in self.checks:
            yield check
            yield from loops
            last = last_statement(check.body)
            if last is not None:
                yield last
            statements = block(check.body)
            if statements:
                yield statements[0]
                yield statements[-1]
        for candidate in (*self.attr_candidates, *self.sink_candidates):
            yield candidate.call
            if candidate.movable:
                yield candidate.statement
                yield self._insertion_statement(candidate.check)
        if self.report_plan is not None:
            loop, _, _, last_in_loop = self.report_plan
            yield last_in_loop
            yield block(loop.body)[0]

    def facts(self) -> FunctionFacts:
        record, builder = self.record, self.builder
        return FunctionFacts(
            qualname=record.qualname,
            name=record.name,
            class_name=record.class_name,
            parent=record.parent.qualname if record.parent else None,
            parameters=tuple(record.parameters),
            span=builder.span(record.node),
            is_lambda=isinstance(record.node, cst.Lambda),
            decorators=record.decorators,
            nested_uses=tuple(sorted(self._nested_uses())),
            is_stub=record.is_stub,
            trial_calls=tuple(map(self._trial_call, record.trial_calls)),
            handoffs=tuple(
                TrialHandoff(
                    handoff.variable,
                    handoff.callee,
                    handoff.position,
                    handoff.keyword,
                    builder.span(handoff.call),
                    passed_on=self._passed_on(handoff),
                    binding=handoff.binding,
                    loops=tuple(builder.start(loop) for loop in handoff.loops),
                )
                for handoff in record.handoffs
            ),
            escapes=tuple(
                TrialEscape(variable, builder.span(node))
                for variable, node in record.escapes.items()
            ),
            stores=tuple(
                TrialStore(variable, attribute, builder.span(node))
                for variable, attribute, node in record.stores
            ),
            aliases=tuple(TrialAlias(variable, alias) for variable, alias in record.aliases),
            checks=tuple(
                self._prune_check(receiver, check, loops, point)
                for receiver, check, loops, point in self.checks
            ),
            attrs_after_checks=tuple(map(self._call_after_check, self.attr_candidates)),
            sinks_after_checks=tuple(map(self._call_after_check, self.sink_candidates)),
            report_insertion=self._report_insertion(),
            flag_raises=tuple(self._flag_sources()),
            returned=tuple(
                dotted_name(r.value) if r.value is not None else None for r in record.returns
            ),
            unraised_trial_pruned=tuple(
                UnraisedTrialPruned(keyword, builder.span(call), builder.start(node))
                for keyword, node, call in record.unraised_trial_pruned
            ),
            tries=tuple(map(self._try, record.tries)),
            attribute_names=tuple(sorted(record.attribute_names)),
            logged_names=tuple(_logged_names(record.metric_logs)),
            loop_spans=tuple(
                (builder.offsets[id(loop)].start, builder.offsets[id(loop)].end)
                for loop in record.all_loops
            ),
        )

    def _prune_check(
        self,
        receiver: str,
        check: cst.If,
        loops: tuple[cst.CSTNode, ...],
        point: cst.If | None,
    ) -> PruneCheck:
        builder = self.builder
        last = last_statement(check.body)
        statements = block(check.body)
        return PruneCheck(
            receiver,
            builder.span(check),
            point is not None,
            exit=self._exit(check, point),
            flags=tuple(flags_set_true(check.body)),
            loops=tuple(builder.start(loop) for loop in loops),
            exit_span=builder.span(last) if last is not None else None,
            branch_end=builder.offsets[id(statements[-1])].outer_end if statements else None,
            branch_indent=builder.indent_at(builder.start(statements[0])) if statements else "",
        )

    def _is_tensor_value(self, value: cst.BaseExpression) -> bool:
        """A tensor as the rules define it, also through a name bound once in the function
        (`loss = criterion(output, target)`)."""
        if isinstance(value, cst.Name):
            values = self.builder.traversal.assignments.get(self.record.qualname, {}).get(
                value.value, []
            )
            if len(values) != 1 or values[0] is None:
                return False
            value = values[0]
        return _is_tensor(value, self.imports, self._loss_names())

    def _loss_names(self) -> set[str]:
        """Names bound (in this function or at module level) to a torch `*Loss` instance."""
        names = set()
        scopes = (self.record.qualname, MODULE_SCOPE)
        for scope in scopes:
            for name, values in self.builder.traversal.assignments.get(scope, {}).items():
                if any(
                    isinstance(v, cst.Call)
                    and (self.imports.resolve_expression(v.func) or "").startswith("torch.nn.")
                    and (self.imports.resolve_expression(v.func) or "").endswith("Loss")
                    for v in values
                ):
                    names.add(name)
        return names

    def _try(self, node: cst.Try | cst.TryStar) -> TryFacts:
        builder = self.builder
        body = builder.offsets[id(node.body)]
        return TryFacts(
            body_start=body.start,
            body_end=body.end,
            body_raises_trial_pruned=raises_trial_pruned(node.body, self.imports),
            body_has_calls=_has_call(node.body),
            handlers=tuple(self._handler(handler) for handler in node.handlers),
        )

    def _handler(self, handler: cst.ExceptHandler | cst.ExceptStarHandler) -> HandlerFacts:
        builder = self.builder
        start = builder.start(handler)
        indent = builder.indent_at(start)
        raised = _trial_pruned_raise_in(handler.body, self.imports)
        caught_name = None
        if handler.name is not None and isinstance(handler.name.name, cst.Name):
            caught_name = handler.name.name.value
        reraises = _reraises(handler.body, caught_name)
        return HandlerFacts(
            span=builder.span(handler),
            caught=builder.module.code_for_node(handler.type) if handler.type else "",
            kind=_handler_kind(handler.type, self.imports),
            keeps_pruned=raised is not None or reraises,
            reraises=reraises,
            raises_trial_pruned=builder.span(raised) if raised is not None else None,
            only_reports=_only_reports(handler.body),
            line_start=start - len(indent),
            indent=indent,
        )

    def _trial_call(self, call: RawTrialCall) -> TrialCall:
        builder = self.builder
        value = step = step_text = None
        if call.method == "report":
            value = argument(call.call, 0, "value")
            step = argument(call.call, 1, "step")
            if isinstance(step, cst.Integer):
                step_text = step.value
            elif step is not None:
                step_text = dotted_name(step)
        statement_end, indent = None, ""
        if _is_statement_of(call.statement, call.call):
            offsets = builder.offsets[id(call.statement)]
            statement_end = offsets.outer_end
            indent = builder.indent_at(offsets.start)
        return TrialCall(
            call.receiver,
            call.method,
            builder.span(call.call),
            tuple(builder.start(loop) for loop in call.loops),
            statement_end,
            indent,
            call.identity,
            builder.span(call.comparison) if call.comparison is not None else None,
            call.guard_names,
            builder.span(call.call.func.attr),
            call.bare,
            len(call.call.args),
            dotted_name(value) if value is not None else None,
            builder.span(value) if value is not None else None,
            value is not None and self._is_tensor_value(value),
            step_text,
            isinstance(step, cst.Integer),
            tuple(_loop_target(loop) for loop in call.loops),
            tuple(_iter_names(loop) for loop in call.loops),
            call.existence_checked,
            self._step_bound(step, call.loops) if call.method == "report" else None,
        )

    def _step_bound(
        self, step: cst.BaseExpression | None, loops: tuple[cst.CSTNode, ...]
    ) -> int | None:
        """The largest step a report gives: a literal, or the index of the innermost loop
        around it that binds the name, when that loop runs over `range(...)` with known bounds
        and nothing else in the function binds the name."""
        if isinstance(step, cst.Integer):
            return int(step.evaluated_value)
        if not isinstance(step, cst.Name):
            return None
        name = step.value
        if (
            any(
                bound == name and not isinstance(statement, cst.For)
                for bound, statement in self.record.bindings
            )
            or name in self.record.parameter_names
        ):
            return None
        for loop in reversed(loops):
            if isinstance(loop, cst.For) and name in set(target_names(loop.target)):
                if not isinstance(loop.target, cst.Name):
                    return None  # `for step, batch in ...`: not a range's index
                if self.imports.is_bound("range"):
                    return None
                return _last_of_range(loop.iter, self.builder.constant_lookup(self.record))
        return None

    def _call_after_check(self, candidate: _AfterCheck) -> CallAfterCheck:
        builder = self.builder
        return CallAfterCheck(
            receiver=candidate.receiver,
            key=_literal_key(candidate.call),
            span=builder.span(candidate.call),
            check_row=builder.span(candidate.check).start.row,
            stale_name=candidate.stale_name,
            move=self._move(candidate.statement, candidate.check) if candidate.movable else None,
            sink=candidate.sink,
        )

    def _passed_on(self, handoff: RawHandoff) -> bool:
        """A call's result is passed on unless the call is a statement of its own, or its
        result is bound to a name that nothing reads afterwards."""
        if not handoff.passed_on:
            return False
        binding = handoff.binding
        if binding is None or "." in binding:
            return True
        return binding in self.builder.reads_within[id(self.record)]

    def _nested_uses(self) -> Iterator[str]:
        """Names of the functions and classes defined in this function that its code (or code
        nested in it) reads: the nested definitions that can run."""
        reads = self.builder.reads_within[id(self.record)]
        for record in self.builder.traversal.functions:
            if record.parent is self.record and record.defined_name in reads:
                yield record.defined_name

    def _flag_sources(self) -> Iterator[str]:
        """The flags tested before a raise, and for a local flag copied from an attribute
        (`is_pruned = callback.is_pruned`), that attribute too."""
        assignments = self.builder.traversal.assignments.get(self.record.qualname, {})
        for flag, _ in self.record.flag_raises:
            yield flag
            values = assignments.get(flag, [])
            if len(values) == 1 and values[0] is not None:
                source = dotted_name(values[0])
                if source is not None and "." in source:
                    yield source

    def _move(self, statement: cst.CSTNode, check: cst.If) -> MoveBeforeCheck:
        text = self.builder.text
        offsets = self.builder.offsets
        moved = offsets[id(statement)]
        target = offsets[id(self._insertion_statement(check))]
        statement_text = _without_leading_blank_lines(text[moved.outer_start : moved.outer_end])
        if not statement_text.endswith(("\n", "\r")):
            statement_text += self.builder.module.default_newline
        return MoveBeforeCheck(
            remove_start=moved.outer_start,
            remove_end=moved.outer_end,
            insert_at=_skip_blank_lines(text, target.outer_start),
            statement_text=statement_text,
        )

    def _report_insertion(self) -> ReportInsertion | None:
        if self.report_plan is None:
            return None
        loop, value, step, last_statement = self.report_plan
        value_name = self.record.returns[0].value.value
        text = self.builder.text
        offsets = self.builder.offsets
        indent = self.builder.indent_at(offsets[id(block(loop.body)[0])].start)
        insert_at = offsets[id(last_statement)].outer_end
        return ReportInsertion(
            insert_at=insert_at,
            indent=indent,
            value=value_name,
            value_is_tensor=_is_tensor(value, self.imports),
            step=step,
            newline=self.builder.module.default_newline,
            lead=""
            if text[:insert_at].endswith(("\n", "\r"))
            else self.builder.module.default_newline,
            last_statement_start=offsets[id(last_statement)].start,
        )


_BROAD_EXCEPTIONS = frozenset({"Exception", "BaseException"})
_OPTUNA_ERROR = "optuna.exceptions.OptunaError"
_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "print"}
)


def _handler_kind(caught: cst.BaseExpression | None, imports: ImportTable) -> str:
    if caught is None:
        return "broad"
    elements = (
        [element.value for element in caught.elements]
        if isinstance(caught, cst.Tuple)
        else [caught]
    )
    kinds = set()
    for element in elements:
        name = dotted_name(element)
        if name is None:
            continue
        if name in _BROAD_EXCEPTIONS or imports.resolve(name) == _OPTUNA_ERROR:
            kinds.add("broad")
        elif is_trial_pruned(element, imports):
            kinds.add("trial_pruned")
    if "trial_pruned" in kinds:
        return "trial_pruned"
    return "broad" if "broad" in kinds else "other"


def _raises(suite: cst.CSTNode) -> Iterator[cst.Raise]:
    """The `raise` statements of a block, nested blocks included, nested functions aside."""
    for statement in suite_statements(suite):
        if isinstance(statement, cst.SimpleStatementLine):
            yield from (small for small in statement.body if isinstance(small, cst.Raise))
        elif isinstance(statement, cst.Raise):
            yield statement
        elif not isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            for child in sub_blocks(statement):
                yield from _raises(child)


def _trial_pruned_raise_in(suite: cst.CSTNode, imports: ImportTable) -> cst.Raise | None:
    for raised in _raises(suite):
        if raised.exc is not None:
            exception = raised.exc.func if isinstance(raised.exc, cst.Call) else raised.exc
            if is_trial_pruned(exception, imports):
                return raised
    return None


def _reraises(suite: cst.CSTNode, caught_name: str | None) -> bool:
    """A bare `raise`, or `raise <the caught exception>`."""
    return any(
        raised.exc is None or (caught_name is not None and dotted_name(raised.exc) == caught_name)
        for raised in _raises(suite)
    )


def _only_reports(suite: cst.CSTNode) -> bool:
    """Whether a handler only logs, prints, returns, continues or passes."""
    for statement in suite_statements(suite):
        smalls = statement.body if isinstance(statement, cst.SimpleStatementLine) else (statement,)
        for small in smalls:
            if isinstance(small, (cst.Return, cst.Continue, cst.Pass)):
                continue
            if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                name = dotted_name(small.value.func) or ""
                if name.rsplit(".", 1)[-1] in _LOG_METHODS:
                    continue
            return False
    return True


class _CallFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_Call(self, node: cst.Call) -> bool:
        self.found = True
        return False


def _has_call(node: cst.CSTNode) -> bool:
    finder = _CallFinder()
    node.visit(finder)
    return finder.found


def _assignments_in(suite: cst.CSTNode) -> Iterator[tuple[str, cst.BaseExpression]]:
    """`name = value` statements directly in a block."""
    for statement in suite_statements(suite):
        smalls = statement.body if isinstance(statement, cst.SimpleStatementLine) else ()
        for small in smalls:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    if isinstance(target.target, cst.Name):
                        yield target.target.value, small.value


def _is_statement_of(statement: cst.CSTNode | None, call: cst.Call) -> bool:
    """Whether `statement` is a line holding only the call."""
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and statement.body[0].value is call
    )


def _literal_key(call: cst.Call) -> str | None:
    """The attribute name of `set_user_attr("name", ...)` when it is a plain string."""
    if call.args and isinstance(call.args[0].value, cst.SimpleString):
        return call.args[0].value.value
    return None


def _last_of_range(iterable: cst.BaseExpression, lookup: NameLookup) -> int | None:
    """The last value of `range(...)` with known integer bounds; None when the range is empty
    or its bounds are not known."""
    if not (isinstance(iterable, cst.Call) and dotted_name(iterable.func) == "range"):
        return None
    if any(arg.keyword is not None or arg.star for arg in iterable.args):
        return None
    bounds = [known_number(arg.value, lookup) for arg in iterable.args]
    if not 1 <= len(bounds) <= 3 or not all(isinstance(b, int) for b in bounds):
        return None
    if len(bounds) == 3 and bounds[2] == 0:
        return None
    values = range(*bounds)
    return max(values[0], values[-1]) if values else None


def _loop_index(loop: cst.For) -> str | None:
    if isinstance(loop.target, cst.Name):
        return loop.target.value
    if (
        isinstance(loop.target, cst.Tuple)
        and loop.target.elements
        and isinstance(loop.target.elements[0].value, cst.Name)
        and isinstance(loop.iter, cst.Call)
        and isinstance(loop.iter.func, cst.Name)
        and loop.iter.func.value == "enumerate"
    ):
        return loop.target.elements[0].value.value
    return None


def _last_binding_on_every_path(
    statements: Sequence[cst.BaseStatement], name: str
) -> cst.BaseExpression | None:
    """The value last assigned to `name` by statements that run on every path through a block
    (directly, or inside `with`); a binding by unpacking or `+=` counts, its value being the
    name itself."""
    found: cst.BaseExpression | None = None
    for statement in statements:
        if isinstance(statement, cst.With):
            inner = _last_binding_on_every_path(block(statement.body), name)
            found = inner or found
            continue
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    if isinstance(target.target, cst.Name) and target.target.value == name:
                        found = small.value
                    elif name in set(target_names(target.target)):
                        found = cst.Name(name)
            elif not isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                continue
            elif isinstance(small.target, cst.Name) and small.target.value == name:
                if isinstance(small, cst.AugAssign):
                    found = cst.Name(name)
                elif small.value is not None:
                    found = small.value
    return found


def _is_tensor(
    value: cst.BaseExpression, imports: ImportTable, loss_names: set[str] = frozenset()
) -> bool:
    """Whether a value is evidently a torch tensor: the result of a `torch.*` call, of calling
    a torch loss instance (`criterion(...)`, `nn.MSELoss()(...)`), or of a tensor method on
    one, without `.item()`, `.tolist()` or `float(...)`."""
    if not isinstance(value, cst.Call):
        return False
    func = value.func
    if isinstance(func, cst.Name) and func.value in loss_names:
        return True
    if isinstance(func, cst.Call):
        loss_class = imports.resolve_expression(func.func) or ""
        return loss_class.startswith("torch.nn.") and loss_class.endswith("Loss")
    qualified = imports.resolve_expression(func)
    if qualified is not None:
        return qualified.startswith("torch.") and not qualified.startswith(_NOT_TENSORS)
    if isinstance(func, cst.Attribute):
        if func.attr.value in _TENSOR_TO_PYTHON:
            return False
        return _is_tensor(func.value, imports, loss_names)
    return False


def _iter_names(loop: cst.CSTNode) -> tuple[str, ...]:
    """The names a `for` loop's iterable reads (`range(start, start + 10)` reads `start`)."""
    if not isinstance(loop, cst.For):
        return ()
    names = _AllNames()
    loop.iter.visit(names)
    return tuple(names.names)


def _loop_target(loop: cst.CSTNode) -> str | None:
    if isinstance(loop, cst.For) and isinstance(loop.target, cst.Name):
        return loop.target.value
    return None


def _without_leading_blank_lines(text: str) -> str:
    lines = text.splitlines(keepends=True)
    while lines and not lines[0].strip():
        lines.pop(0)
    return "".join(lines)


def _skip_blank_lines(text: str, offset: int) -> int:
    """The start of the first line at or after `offset` that is not blank."""
    while True:
        end = offset
        while end < len(text) and text[end] not in "\r\n":
            end += 1
        if text[offset:end].strip() or end >= len(text):
            return offset
        if text.startswith("\r\n", end):
            end += 1
        offset = end + 1


class _NameReader(cst.CSTVisitor):
    """The names an expression reads, and whether it computes anything beyond conversions."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.computes = False

    def visit_Name(self, node: cst.Name) -> None:
        if node.value not in _LITERAL_NAMES and node.value not in self.names:
            self.names.append(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False

    def visit_Call(self, node: cst.Call) -> bool:
        func = node.func
        if isinstance(func, cst.Name) and func.value in _CONVERSIONS:
            for arg in node.args:
                arg.value.visit(self)
            return False
        if isinstance(func, cst.Attribute) and func.attr.value in _CONVERSION_METHODS:
            func.value.visit(self)
            return False
        self.computes = True
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        self.computes = True
        return False


class _AllNames(cst.CSTVisitor):
    """Every name an expression mentions, in order, once each."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def visit_Name(self, node: cst.Name) -> None:
        if node.value not in self.names:
            self.names.append(node.value)


def _logged_names(metric_logs: list[cst.Call | None]) -> Iterator[str | None]:
    """The names `self.log(name, ...)` and `self.log_dict({name: ...})` calls log; None for a
    name that is not a string literal, and for each None the traversal noted."""
    for call in metric_logs:
        if call is None:
            yield None
        elif isinstance(call.func, cst.Attribute) and call.func.attr.value == "log":
            yield literal_string(argument(call, 0, "name"))
        else:
            logged = argument(call, 0, "dictionary")
            if not isinstance(logged, cst.Dict) or not logged.elements:
                yield None
                continue
            for element in logged.elements:
                key = element.key if isinstance(element, cst.DictElement) else None
                yield literal_string(key)
