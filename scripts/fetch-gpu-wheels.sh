#!/usr/bin/env bash
# Download, on a machine with network, the wheels that scripts/verify-gpu.sh installs on a GPU
# machine that has none: what `optuna-lint verify` needs beyond torch and the packages such a
# machine's image already holds (numpy, PyYAML, tqdm, packaging, MarkupSafe, typing-extensions).
#   scripts/fetch-gpu-wheels.sh [FOLDER] [PYTHON_VERSION]   (default: .gpu-wheels 3.12)
set -euo pipefail
cd "$(dirname "$0")/.."
folder=${1:-.gpu-wheels}
python_version=${2:-3.12}
python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --python-version "$python_version" --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
    --platform manylinux2014_x86_64 --platform any \
    -d "$folder" \
    optuna==5.1.0 libcst==1.9.0 sqlalchemy==2.1.9 alembic==1.20.1 mako==1.4.3 colorlog==6.12.0
ls "$folder"
