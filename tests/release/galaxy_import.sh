#!/usr/bin/env bash
# Galaxy's own import checks (galaxy-importer, the code Galaxy runs on an upload) on the
# built collection tarball: offline, without a container engine, and without ansible-test
# (`make sanity` runs that). Settings: tests/release/galaxy-importer.cfg.
#
#   tests/release/galaxy_import.sh [build/hwc-res-<version>.tar.gz]
#
# Without an argument it takes the tarball galaxy.yml's version names under build/.
# Fails when the import fails or reports any WARNING or ERROR (galaxy-importer lets lint
# findings pass as warnings). Its log and result are left in build/galaxy-import/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tarball="${1:-$(python -c 'import sys, yaml; m = yaml.safe_load(open(sys.argv[1])); print("%s-%s-%s.tar.gz" % (m["namespace"], m["name"], m["version"]))' "$root/galaxy.yml")}"
case "$tarball" in /*) ;; */*) tarball="$PWD/$tarball" ;; *) tarball="$root/build/$tarball" ;; esac
if [ ! -f "$tarball" ]; then
    echo "galaxy_import: $tarball does not exist; run 'make build' first" >&2
    exit 1
fi

work="$root/build/galaxy-import"
rm -rf "$work"
mkdir -p "$work"
cd "$work"  # galaxy-importer writes importer_result.json into the working directory
export GALAXY_IMPORTER_CONFIG="$root/tests/release/galaxy-importer.cfg"

# Where we may, run it in a network namespace of its own (no interface but a downed
# loopback): proof that the import needs no network.
isolate=()
if unshare -n true 2>/dev/null; then
    isolate=(unshare -n)
fi

status=0
"${isolate[@]}" python -m galaxy_importer.main "$tarball" >import.log 2>&1 || status=$?
findings="$(grep -E '^(WARNING|ERROR|CRITICAL)|(WARNING|ERROR|CRITICAL):' import.log || true)"
if [ "$status" != 0 ] || [ -n "$findings" ] || ! grep -q '^Importer processing completed successfully' import.log; then
    cat import.log >&2
    if [ -n "$findings" ]; then
        echo "galaxy_import: $(basename "$tarball"): galaxy-importer reported these warnings or errors:" >&2
        printf '%s\n' "$findings" >&2
    else
        echo "galaxy_import: $(basename "$tarball"): the import did not complete (exit $status)" >&2
    fi
    exit 1
fi
echo "galaxy_import: $(basename "$tarball"): imported with no warning or error${isolate[*]:+ (without network: ${isolate[*]})}; log in ${work#"$root"/}/import.log"
