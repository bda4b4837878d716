#!/usr/bin/env bash
# `make lint` calls it, in the Makefile's environment: from the collection tree,
# ansible-lint on the whole collection root (profile, offline mode and the paths it
# skips in .ansible-lint), antsibull-docs lint-collection-docs, the markup check of
# tests/doc_markup.py (code cut short by a parenthesis, which antsibull-docs accepts),
# and antsibull-changelog lint.
set -euo pipefail

cd "${ANSIBLE_COLLECTIONS_PATH:?the Makefile sets it}/ansible_collections/hwc/res"
echo "lint: ansible-lint (the whole collection root; .ansible-lint says what it skips and why)"
# The bench's floor module (tests/bench/floor) is a collection of its own, found like hwc.res.
ANSIBLE_COLLECTIONS_PATH="$ANSIBLE_COLLECTIONS_PATH:$PWD/tests/bench/floor" ansible-lint
echo "lint: antsibull-docs lint-collection-docs --plugin-docs ."
antsibull-docs lint-collection-docs --plugin-docs .
echo "lint: tests/doc_markup.py (documentation markup that renders cut short)"
python tests/doc_markup.py
echo "lint: antsibull-changelog lint"
antsibull-changelog lint
tests/python_checks.sh
