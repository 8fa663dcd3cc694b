#!/bin/sh
# ctest's python_interop_test: tests/python/interop_test.py in the project's .venv (made by
# scripts/setup); exit 77 (ctest: skipped) when there is none.
#   tests/python/run_interop_test.sh ADAMIX_BINARY
here=$(cd "$(dirname "$0")" && pwd)
python="$here/../../.venv/bin/python"
if [ ! -x "$python" ]; then
  echo "python_interop_test: skipped (no .venv; scripts/setup makes it)"
  exit 77
fi
exec "$python" "$here/interop_test.py" --adamix "$1"
