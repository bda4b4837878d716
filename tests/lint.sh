#!/usr/bin/env bash
# `make lint` calls it, in the Makefile's environment: from the collection tree,
# ansible-lint on roles/ and playbooks/ (those that hold files; profile and
# offline mode in .ansible-lint), antsibull-docs lint-collection-docs, and
# antsibull-changelog lint.
set -euo pipefail

cd "${ANSIBLE_COLLECTIONS_PATH:?the Makefile sets it}/ansible_collections/hwc/res"
targets=()
for dir in roles playbooks; do
    if [[ -n "$(find "$dir" -type f ! -name '.*' -print -quit 2>/dev/null)" ]]; then
        targets+=("$dir")
    fi
done
if [[ "${#targets[@]}" -gt 0 ]]; then
    echo "lint: ansible-lint ${targets[*]}"
    ansible-lint "${targets[@]}"
else
    echo "lint: roles/ and playbooks/ hold no files yet; skipping ansible-lint"
fi
echo "lint: antsibull-docs lint-collection-docs --plugin-docs ."
antsibull-docs lint-collection-docs --plugin-docs .
echo "lint: antsibull-changelog lint"
antsibull-changelog lint
