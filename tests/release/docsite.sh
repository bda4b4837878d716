#!/usr/bin/env bash
# Builds the docs site of hwc.res offline into build/docsite (generated, never committed):
# `antsibull-docs sphinx-init --use-current`, the plugin pages and the guides of
# docs/docsite/ (extra-docs.yml, links.yml, rst/), then Sphinx.
#
# Fails on any Sphinx warning but those in ALLOWED_WARNINGS: references into ansible-core's
# own docs, which resolve through intersphinx when the site is built online. Run it through
# `make docsite` (ANSIBLE_COLLECTIONS_PATH must lead to this collection as hwc.res).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
site="${DOCSITE_DIR:-$root/build/docsite}"

# Sphinx warnings, as "<file>:<line>: WARNING: <text>", that an offline build may give:
# references into ansible-core's own docs (docs.ansible.com), which the generated plugin
# pages make for ansible-core terms: its configuration settings and environment variables,
# its common return values, its own plugins, and action plugins (the page of a module that has one).
ALLOWED_WARNINGS=(
    "WARNING: undefined label: '(ansible_configuration_settings|common_return_values|action_plugins)'"
    "WARNING: undefined label: 'ansible_collections\.ansible\.builtin\.[a-z0-9_]+'"
    "WARNING: 'envvar' reference target not found: ANSIBLE_[A-Z0-9_]+ "
)

if [ -z "${ANSIBLE_COLLECTIONS_PATH:-}" ]; then
    echo "docsite: ANSIBLE_COLLECTIONS_PATH is not set; run 'make docsite'" >&2
    exit 2
fi

# Guides live in docs/docsite/rst/ as RST (antsibull-docs reads only RST there); a Markdown
# guide in docs/ would be missing from the site. docs/development.md is about this repository.
stray=()
for guide in "$root"/docs/*.md; do
    [ -e "$guide" ] || continue
    [ "$(basename "$guide")" = development.md ] && continue
    stray+=("${guide#"$root"/}")
done
if [ "${#stray[@]}" -gt 0 ]; then
    for guide in "${stray[@]}"; do
        name="$(basename "$guide" .md)"
        echo "docsite: $guide is a guide outside the site: convert it once with" \
            "'pandoc -f gfm -t rst $guide -o docs/docsite/rst/$name.rst', give it the label" \
            "'.. _ansible_collections.hwc.res.docsite.$name:', add '$name' to docs/docsite/extra-docs.yml" \
            "and delete $guide" >&2
    done
    exit 1
fi

# Links to files of this repository (docs/docsite/links.yml's extra links, and the guides) must name a
# file that exists: Sphinx does not follow them, so a moved or renamed file would go unnoticed.
blob="https://github.com/hwc-res/hwc.res/blob/main/"
dangling=()
while IFS= read -r url; do
    [ -e "$root/${url#"$blob"}" ] || dangling+=("$url")
done < <(grep -ohE "${blob//./\\.}[^ <>\`\"')]+" "$root"/docs/docsite/links.yml "$root"/docs/docsite/rst/*.rst | sort -u)
if [ "${#dangling[@]}" -gt 0 ]; then
    printf 'docsite: this link names no file of the repository: %s\n' "${dangling[@]}" >&2
    exit 1
fi

rm -rf "$site"
# antsibull-docs insists on a directory only its owner can write.
mkdir -p "$(dirname "$site")"
mkdir -m 700 "$site"
cd "$site"

antsibull-docs sphinx-init --use-current --fail-on-error --dest-dir . hwc.res >/dev/null
# Offline: nothing may be fetched from docs.python.org or docs.ansible.com.
printf '\n# Set by tests/release/docsite.sh: build offline.\nintersphinx_mapping = {}\n' >>conf.py

mkdir -m 700 -p rst
antsibull-docs --config-file antsibull-docs.cfg collection --use-current --fail-on-error \
    --cleanup everything --dest-dir rst hwc.res

status=0
# Warnings go to warnings.log (checked below), the rest of its output to sphinx.log.
sphinx-build -M html rst build -c . -q -w warnings.log >sphinx.log 2>&1 || status=$?

unexpected="$(grep -vE "$(IFS='|'; echo "${ALLOWED_WARNINGS[*]}")" warnings.log | grep -E 'WARNING|ERROR' || true)"
allowed="$(grep -cE "$(IFS='|'; echo "${ALLOWED_WARNINGS[*]}")" warnings.log || true)"
if [ -n "$unexpected" ]; then
    echo "docsite: Sphinx warnings that are not references into ansible-core's docs:" >&2
    printf '%s\n' "$unexpected" >&2
    exit 1
fi
if [ "$status" != 0 ]; then
    cat sphinx.log >&2
    echo "docsite: sphinx-build failed (exit $status)" >&2
    exit "$status"
fi

# Every guide must be a page of the site.
missing=0
for guide in "$root"/docs/docsite/rst/*.rst; do
    page="build/html/collections/hwc/res/docsite/$(basename "$guide" .rst).html"
    if [ ! -f "$page" ]; then
        echo "docsite: ${guide#"$root"/} has no page $page" >&2
        missing=1
    fi
done
[ "$missing" = 0 ] || exit 1

echo "docsite: $site/build/html/index.html built; $allowed allowed warning(s) (references into ansible-core's docs), listed in $site/warnings.log"
