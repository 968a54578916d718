"""`python -m optuna_lint`, the same as the `optuna-lint` command."""

import sys

from optuna_lint.cli import main

sys.exit(main())
