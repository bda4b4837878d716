#!/usr/bin/env bash
# `make docs` calls it, in the Makefile's environment: ansible-doc on every
# documented plugin of the collection, failing on a non-zero exit or on any
# [WARNING] or [ERROR] (ansible-doc only warns, exit 0, about a plugin it
# cannot find). Filter and test plugins are documented by YAML files beside
# their code; every other type by its Python file.
set -euo pipefail

# Plugin folder -> ansible-doc type.
doc_types="modules:module lookup:lookup inventory:inventory filter:filter test:test
    callback:callback connection:connection become:become cache:cache vars:vars"

cd "${ANSIBLE_COLLECTIONS_PATH:?the Makefile sets it}/ansible_collections/hwc/res"
count=0
for pair in $doc_types; do
    dir="plugins/${pair%%:*}"
    type="${pair##*:}"
    [[ -d "$dir" ]] || continue
    case "$type" in filter|test) pattern='*.yml' ;; *) pattern='*.py' ;; esac
    while IFS= read -r file; do
        name="$(basename "${file%.*}")"
        [[ "$name" == __init__ ]] && continue
        echo "docs: ansible-doc -t $type hwc.res.$name"
        out="$(ansible-doc -t "$type" "hwc.res.$name" 2>&1)" || { printf '%s\n' "$out"; exit 1; }
        if grep -qE '\[(WARNING|ERROR)\]' <<<"$out"; then printf '%s\n' "$out"; exit 1; fi
        count=$((count + 1))
    done < <(find "$dir" -maxdepth 1 -type f -name "$pattern" | sort)
done
echo "docs: $count plugin(s) documented"
