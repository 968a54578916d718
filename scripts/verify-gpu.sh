#!/usr/bin/env bash
# Verify every bundled fixture on the GPU: `optuna-lint verify --device cuda`, with its JSON
# report written to REPORT and a one-line summary per objective printed.
#   scripts/verify-gpu.sh [REPORT]   (default: verify-gpu.json)
# It needs a python3 whose torch sees a CUDA device. Optuna and LibCST are installed from the
# wheels in $GPU_WHEELS (default .gpu-wheels, made by scripts/fetch-gpu-wheels.sh) into a
# folder put first on PYTHONPATH, so a machine without network can run it.
set -euo pipefail
cd "$(dirname "$0")/.."
report=${1:-verify-gpu.json}
wheels=${GPU_WHEELS:-.gpu-wheels}
site=${GPU_SITE:-/tmp/optuna-lint-gpu-site}
# VERIFY_DEVICE=cpu runs the same steps without a GPU, to try the script itself.
device=${VERIFY_DEVICE:-cuda}

if ! python3 -c "import optuna, libcst" 2>/dev/null; then
    python3 -m pip install --quiet --no-index --no-deps --no-compile --no-cache-dir \
        --upgrade --target "$site" "$wheels"/*.whl
    export PYTHONPATH="$site${PYTHONPATH:+:$PYTHONPATH}"
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
python3 -c "
import sys, torch
if sys.argv[1] == 'cuda':
    assert torch.cuda.is_available(), 'torch sees no CUDA device'
    print(f'torch {torch.__version__} on {torch.cuda.get_device_name(0)}')
else:
    print(f'torch {torch.__version__} on the CPU')
" "$device"
status=0
started=$(date +%s)
python3 -m optuna_lint verify --device "$device" --output-format json --output-file "$report" \
    "${@:2}" || status=$?
echo "verify took $(( $(date +%s) - started )) s (exit status $status)"
python3 - "$report" <<'PYTHON'
import json, sys

report = json.load(open(sys.argv[1]))
for objective in report["objectives"]:
    variants = objective["variants"]
    line = f"{objective['module']}:{objective['objective']}: {objective['verdict']}"
    if variants:
        original, fixed = variants["original"], variants["fixed"]
        line += (
            f" on {fixed['device']}; pruned {original['pruned']} -> {fixed['pruned']},"
            f" epochs {original['epochs']} -> {fixed['epochs']},"
            f" {original['wall_time']:.1f} s -> {fixed['wall_time']:.1f} s"
        )
    print(line)
print(report["summary"])
PYTHON
exit $status
