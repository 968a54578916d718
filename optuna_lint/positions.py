"""Character offsets of chosen syntax nodes, computed without LibCST's position metadata.

LibCST's `PositionProvider` records a position for every node of the module, which costs about
twice a parse. The linter needs the positions of a few dozen nodes per file (the calls and
statements a finding may point at, and the statements a fix moves), so it regenerates the code
once and notes where the wanted nodes begin and end in the stream of tokens. Offsets into the
regenerated code are offsets into the original text, because LibCST round-trips source exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate

import libcst as cst
from libcst._nodes.internal import CodegenState


@dataclass(frozen=True)
class NodeOffsets:
    """Where a node's code starts and ends.

    `start`/`end` exclude the whitespace and comments LibCST attaches to the node (for a
    function, `start` is its `def` or `async` keyword); `outer_start`/`outer_end` include them
    (for a statement: the blank and comment lines above it and the newline ending it).
    """

    start: int
    end: int
    outer_start: int
    outer_end: int


@dataclass
class _RecordingState(CodegenState):
    wanted: set[int] = field(default_factory=set)
    syntactic: dict[int, tuple[int, int]] = field(default_factory=dict)
    inclusive: dict[int, list[int]] = field(default_factory=dict)

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            self.inclusive[id(node)] = [len(self.tokens), -1]

    def after_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            self.inclusive[id(node)][1] = len(self.tokens)

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        if id(node) not in self.wanted:
            yield
            return

        # Children named as the true start or end are generated inside this block, so asking
        # for them now is early enough.
        for child in (start_node, end_node):
            if child is not None:
                self.wanted.add(id(child))
        start = len(self.tokens)
        yield
        end = len(self.tokens)
        if start_node is not None and id(start_node) in self.syntactic:
            start = self.syntactic[id(start_node)][0]
        if end_node is not None and id(end_node) in self.syntactic:
            end = self.syntactic[id(end_node)][1]
        self.syntactic[id(node)] = (start, end)


def node_offsets(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> dict[int, NodeOffsets]:
    """Offsets of each of `nodes` (keyed by `id(node)`) in the code of `module`."""
    wanted = {id(node) for node in nodes}
    if not wanted:
        return {}

    state = _RecordingState(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        wanted=set(wanted),
    )
    module._codegen(state)
    # offset_of_token[i] is the offset where the i-th generated token begins. An index can
    # point past the end when LibCST drops the newline it generated last (the file has none).
    offset_of_token = [0, *accumulate(len(token) for token in state.tokens)]
    last = len(offset_of_token) - 1

    offsets = {}
    for key in wanted:
        outer_start, outer_end = state.inclusive[key]
        start, end = state.syntactic.get(key, (outer_start, outer_end))
        offsets[key] = NodeOffsets(
            start=offset_of_token[min(start, last)],
            end=offset_of_token[min(end, last)],
            outer_start=offset_of_token[min(outer_start, last)],
            outer_end=offset_of_token[min(outer_end, last)],
        )
    return offsets
