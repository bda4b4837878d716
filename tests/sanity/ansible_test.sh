#!/usr/bin/env bash
# Runs ansible-test with no container engine and no host but PyPI (and Debian,
# for shellcheck). `make sanity` and `make units-ansible-test` call it, in the
# Makefile's environment (.venv on PATH, HOME the scratch folder build/home).
#
#   ansible_test.sh --tree DIR ARGS...  ansible-test ARGS in DIR, the symlinked
#                                       collection tree build/collections/.../hwc/res
#   ansible_test.sh --copy DIR ARGS...  ansible-test ARGS in DIR, refreshed first as a
#                                       real copy of the checkout (see below)
#
# ansible-test seeds pip into every virtualenv it builds with a script it
# downloads from a host this machine cannot reach, unless that script is in its
# cache: get_pip_standin.py goes there under every name ansible-test may ask
# for (get_pip_<pip version>.py).
#
# Why a copy: `--venv` (and every other delegation) restarts ansible-test in the
# directory os.getcwd() names, and that resolves the symlinked tree to the
# checkout, which has no ansible_collections/ parent. The copy is a real
# directory there; its tests/output (ansible-test's venvs, results) is kept.
set -euo pipefail

checkout="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
mode="${1:-}"
dir="${2:-}"
if [[ "$mode" != --tree && "$mode" != --copy ]] || [[ -z "$dir" ]]; then
    echo "usage: $0 --tree DIR|--copy DIR ANSIBLE_TEST_ARGS..." >&2
    exit 2
fi
shift 2
command="${1:-}"

cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"
at_dir="$(python -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')"
versions="$(grep -ohE "\bpip='[0-9.]+'" "$at_dir/_internal/python_requirements.py" | grep -oE '[0-9.]+' | sort -u)"
if [[ -z "$versions" ]]; then
    echo "$command: cannot find the pip version ansible-test bootstraps in $at_dir" >&2
    exit 1
fi
# Replaced in one step (rename), and only when it differs: another ansible-test may be reading it.
for version in $versions; do
    target="$cache/get_pip_${version//./_}.py"
    if ! cmp -s "$checkout/tests/sanity/get_pip_standin.py" "$target"; then
        cp "$checkout/tests/sanity/get_pip_standin.py" "$target.$$"
        mv -f "$target.$$" "$target"
    fi
done

if [[ "$command" == sanity ]] && ! command -v shellcheck >/dev/null; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        echo "sanity: installing shellcheck with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq shellcheck </dev/null >/dev/null 2>&1 \
            || { apt-get update -qq </dev/null >/dev/null && apt-get install -y -qq shellcheck </dev/null >/dev/null; } \
            || echo "sanity: could not install shellcheck; ansible-test will skip its shellcheck test"
    else
        echo "sanity: shellcheck is missing and this is not root; ansible-test will skip its shellcheck test"
    fi
fi

if [[ "$mode" == --copy ]]; then
    mkdir -p "$dir/tests"
    find "$dir" -mindepth 1 -maxdepth 1 ! -name tests -exec rm -rf {} +
    find "$dir/tests" -mindepth 1 -maxdepth 1 ! -name output -exec rm -rf {} +
    tar -C "$checkout" --exclude=./.git --exclude=./build --exclude='./.venv*' --exclude=./tests/output \
        --exclude='./*.tar.gz' --exclude=__pycache__ --exclude=.pytest_cache --exclude=.hypothesis -cf - . \
        | tar -C "$dir" -xf -
    echo "$command: copied the checkout to $dir"
fi
# In the tree, the shell's cwd is the symlinked path but a process sees the
# checkout; in the copy, ansible-test would look for version control up to the
# checkout's. Both ways, this tells ansible-test where the collection is.
export ANSIBLE_TEST_CONTENT_ROOT="$dir"
cd "$dir"
echo "$command: ansible-test $*"
ansible-test "$@"
