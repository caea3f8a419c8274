#!/usr/bin/env bash
# npm run test:python: the exported train.py on real TensorFlow, offline (scripts/python/).
#  1. a virtual environment with tensorflow-cpu, numpy and pillow in .venv-tf/ (git-ignored; made
#     once, reused while it imports them; PYTHON_TF_VENV overrides the folder), installed from the
#     machine's local package index only (PIP_TF_INDEX, default file:///opt/pypi/simple, plus
#     file:///opt/pypi-more/simple when it exists): pip's default index is unreachable here, and
#     each package asked there waits on retries;
#  2. the export zips of MobileNet v1 0.25 and v2 0.35, made in Node by the worker's own modules
#     (scripts/python/exportZips.ts, through Vitest) into test-results/python/;
#  3. scripts/python/test_train.py: train.py with the zip's base, fine-tuned and head only, mirrored over
#     2 logical CPU devices (--cpu-replicas 2), on two workers, and on bad input (not images too).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${PYTHON_TF_VENV:-.venv-tf}"
OUT="${EXPORT_DIR:-test-results/python}"
started=$SECONDS

if ! "$VENV/bin/python" -c 'import tensorflow, numpy, PIL' >/dev/null 2>&1; then
  if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    echo "test:python: python3 has no ensurepip/venv, so 'python3 -m venv' cannot make $VENV." >&2
    echo "  Install it (Debian: apt-get install python3-venv) or point PYTHON_TF_VENV at an environment with tensorflow-cpu." >&2
    exit 1
  fi
  echo "test:python: making $VENV (python3 -m venv) and installing tensorflow-cpu, numpy, pillow…"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  index=(--index-url "${PIP_TF_INDEX:-file:///opt/pypi/simple}")
  if [ -z "${PIP_TF_INDEX:-}" ] && [ -d /opt/pypi-more/simple ]; then index+=(--extra-index-url file:///opt/pypi-more/simple); fi
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --retries 0 --timeout 20 "${index[@]}" tensorflow-cpu numpy pillow
  echo "test:python: $VENV ready after $((SECONDS - started)) s"
fi
"$VENV/bin/python" -c 'import tensorflow as tf, keras; print(f"test:python: TensorFlow {tf.__version__}, Keras {keras.__version__}")' 2>/dev/null

rm -rf "$OUT"
EXPORT_DIR="$OUT" npx vitest run --config scripts/python/vitest.config.ts
"$VENV/bin/python" scripts/python/test_train.py "$OUT" "$@"
echo "test:python: passed in $((SECONDS - started)) s"
