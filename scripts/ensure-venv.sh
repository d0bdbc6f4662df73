# Sourced by the Python test suites' run.sh.
#
# `pins_installed PYTHON REQUIREMENTS` exits 0 when every `name==version` line of the
# requirements file is installed at that version in PYTHON's environment (extras such as
# `pydantic-ai-slim[mistral]` are ignored for the check; comments and blank lines skipped).
#
# `ensure_venv VENV REQUIREMENTS PYTHON` creates the virtualenv when it is missing and installs
# the pinned requirements only when one is missing or at another version. Returns 1 when the
# venv cannot be created, 2 when pip fails, 3 when pip succeeded but a pin is still not met.
pins_installed() {
    "$1" - "$2" <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, _, wanted = line.partition("==")
    try:
        if wanted and version(name.split("[", 1)[0]) != wanted:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
PY
}

ensure_venv() {
    local venv="$1" requirements="$2" python="$3"
    if [ ! -x "$venv/bin/python" ]; then
        "$python" -m venv "$venv" || return 1
    fi
    if ! pins_installed "$venv/bin/python" "$requirements"; then
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" || return 2
        pins_installed "$venv/bin/python" "$requirements" || return 3
    fi
}
