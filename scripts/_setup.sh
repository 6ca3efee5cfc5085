# Shared by scripts/dev and scripts/test: a virtual environment with the project installed.
# Sourced, not run.

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "Python 3.11 or newer is needed (python3 --version)." >&2
  return 1
}

setup_python() {  # setup_python [extra]
  local extra="${1:-}" python stamp spec
  python=$(find_python)
  if [ ! -x .venv/bin/python ]; then
    echo "==> Creating the virtual environment in .venv"
    "$python" -m venv .venv
  fi
  spec="."
  [ -n "$extra" ] && spec=".[$extra]"
  # Reinstall only when pyproject.toml changed since the last install with this extra.
  stamp=".venv/.installed-${extra:-runtime}"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "==> Installing Python packages ($spec)"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e "$spec"
    touch "$stamp"
  fi
  # no --use-fuzzy: a fuzzy entry is babel's guess, often another sentence (test_catalogue keeps none)
  .venv/bin/pybabel compile -d grants/translations >/dev/null
}
