"""`optuna-lint verify`: run objectives, original and fixed, in real Optuna studies and compare.

Unlike the checker, this package runs the code it is given: each variant of an objective runs
in a subprocess (`worker`) on a copy in a temporary directory. The parent process plans the
runs (`plan`), prepares the copies (`project_copy` copies the module's project,
`training_loop` marks the loop whose passes are counted), creates the studies and reads them
back from their storage (`runner`), judges what changed (`verdict`) and prints it (`report`).
`command` is the command line.
"""
