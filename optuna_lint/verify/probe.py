"""What runs inside an instrumented objective: a counter of training-loop passes, and a record
of the pass in which each user attribute was last set.

Imported only by `worker`, in the subprocess that runs a variant. `tick()` is called at the
top of every pass of the training loop (see `training_loop`). During the parameter draw it
raises `ParametersDrawn` instead, a `BaseException` so that an objective's own `except
Exception:` cannot swallow it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ParametersDrawn(BaseException):
    """The objective reached its training loop: every parameter before it is drawn."""


@dataclass
class TrialRecord:
    """One trial's passes and the pass in which each attribute was last set."""

    passes: int = 0
    # key -> [the pass it was last set in, how many times it was set]
    attributes: dict[str, list[int]] = field(default_factory=dict)

    def note_attribute(self, key: str) -> None:
        last = self.attributes.setdefault(key, [0, 0])
        last[0] = self.passes
        last[1] += 1


_drawing = False
_current: TrialRecord | None = None


def start_drawing() -> None:
    global _drawing
    _drawing = True


def begin_trial() -> TrialRecord:
    global _current
    _current = TrialRecord()
    return _current


def end_trial() -> TrialRecord | None:
    global _current
    record, _current = _current, None
    return record


def tick() -> None:
    """A pass of the training loop begins."""
    if _drawing:
        raise ParametersDrawn
    if _current is not None:
        _current.passes += 1


def note_attribute(key: str) -> None:
    """A user attribute of the trial, or of its study (keys prefixed `study:`), was set."""
    if _current is not None:
        _current.note_attribute(key)
