"""Find an objective's training loop and make each of its passes countable.

The loop is found the same way in the original and in the fixed text, so both variants count
the same passes: the innermost `for` or `while` loop around the objective's first `report` or
`should_prune` call, else the objective's first outermost loop, else, for an objective without
a loop of its own, the loop around a pruning call of another function of the module (a helper
that trains). A call to the probe is inserted as the first statement of its body; the probe
counts passes, and during the parameter draw stops the objective there, before any training.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

# One expression statement, so no import has to be placed; `verify.probe` is imported by the
# worker before the objective runs.
PROBE_CALL = '__import__("optuna_lint.verify.probe").verify.probe.tick()'
PRUNING_METHODS = frozenset({"report", "should_prune"})
Loop = cst.For | cst.While


@dataclass(frozen=True)
class InstrumentedSource:
    text: str  # the source with the probe call inserted, or unchanged when no loop was found
    loop_row: int | None  # the 1-based row of the counted loop's `for` or `while`


def instrument(text: str, objective: str) -> InstrumentedSource:
    """Insert the probe call at the top of the training loop of `objective` (a module-level
    function name)."""
    wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    finder = _LoopFinder(objective)
    wrapper.module.visit(finder)
    loop = finder.chosen()
    if loop is None or not isinstance(loop.body, cst.IndentedBlock) or not loop.body.body:
        return InstrumentedSource(text, None)
    first = loop.body.body[0]
    row = positions[first].start.line
    # The first statement's own leading comments and blank lines stay where they are.
    lines = text.splitlines(keepends=True)
    indent = lines[row - 1][: positions[first].start.column]
    newline = "\r\n" if lines[row - 1].endswith("\r\n") else "\n"
    lines.insert(row - 1, f"{indent}{PROBE_CALL}{newline}")
    return InstrumentedSource("".join(lines), positions[loop].start.line)


class _LoopFinder(cst.CSTVisitor):
    """The loops of the module by function, and which hold a pruning call."""

    def __init__(self, objective: str) -> None:
        super().__init__()
        self.objective = objective
        self._functions: list[str] = []
        self._loops: list[Loop] = []  # the loops open at this point, outermost first
        self.objective_loops: list[Loop] = []  # its outermost loops
        self.pruning_loops_in_objective: list[Loop] = []  # innermost around a pruning call
        self.pruning_loops_elsewhere: list[Loop] = []

    def chosen(self) -> Loop | None:
        """The loop around the objective's first pruning call, else its first loop; a
        helper's loop around a pruning call only when the objective has no loop at all (it
        trains there)."""
        for candidates in (
            self.pruning_loops_in_objective,
            self.objective_loops,
            self.pruning_loops_elsewhere,
        ):
            if candidates:
                return candidates[0]
        return None

    def _in_objective(self) -> bool:
        return bool(self._functions) and self._functions[0] == self.objective

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._functions.pop()

    def _enter_loop(self, node: Loop) -> None:
        if not self._loops and self._in_objective():
            self.objective_loops.append(node)
        self._loops.append(node)

    def visit_For(self, node: cst.For) -> None:
        self._enter_loop(node)

    def leave_For(self, original_node: cst.For) -> None:
        self._loops.pop()

    def visit_While(self, node: cst.While) -> None:
        self._enter_loop(node)

    def leave_While(self, original_node: cst.While) -> None:
        self._loops.pop()

    def visit_Call(self, node: cst.Call) -> None:
        if not (
            self._loops
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in PRUNING_METHODS
        ):
            return
        # The innermost loop: in cross-validation, the epochs inside the folds.
        innermost = self._loops[-1]
        found = (
            self.pruning_loops_in_objective
            if self._in_objective()
            else self.pruning_loops_elsewhere
        )
        if innermost not in found:
            found.append(innermost)
