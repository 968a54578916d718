"""The settings a run uses: which rules, which fixes, and the limits on input."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Files larger than this are not parsed: LibCST needs hundreds of megabytes of memory per
# megabyte of source, and no hand-written objective comes near it.
DEFAULT_MAX_FILE_SIZE = 1024 * 1024


# Every rule but the opt-in OPL9 group (checks of the suppressions themselves); `select =
# ["OPL"]` or `extend-select = ["OPL9"]` turns those on too.
DEFAULT_SELECT = tuple(f"OPL{digit}" for digit in range(9))


@dataclass(frozen=True)
class Settings:
    """Options that change what a run reports or fixes."""

    select: tuple[str, ...] = DEFAULT_SELECT
    ignore: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    assume_default_pruner: bool = False
    # Glob patterns of calls that log metrics, for OPL202, matched against the qualified name
    # of the called function (`neptune.log_metric`) or the call as written (`run.log`).
    metric_sinks: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE

    def is_selected(self, code: str) -> bool:
        """Whether a code is on: the longest matching prefix of select or ignore decides."""
        selected = _longest_prefix(code, self.select)
        ignored = _longest_prefix(code, self.ignore)
        return selected > 0 and selected > ignored


def _longest_prefix(code: str, prefixes: Sequence[str]) -> int:
    return max((len(prefix) for prefix in prefixes if code.startswith(prefix)), default=0)
