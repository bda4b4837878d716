#!/usr/bin/env python
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check what the built collection tarball ships: no test output, caches or build leftovers,
and every file Galaxy and users look for.

    python tests/release/tarball_contents.py [build/hwc-res-<version>.tar.gz]

Without an argument it checks the tarball galaxy.yml's version names under build/.
Exits 1 listing every offending or missing path.
"""

import argparse
import fnmatch
import json
import sys
import tarfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

# A path is unwanted when one of its components matches one of these: what tests, linters,
# Python and the build leave in a checkout. galaxy.yml's build_ignore keeps them out.
UNWANTED_PARTS = (
    ".venv*", "build", ".ansible", ".cache", ".git", ".tox", ".nox",
    "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache",
    "*.pyc", "*.pyo", ".coverage*", "*.tar.gz", "*.retry", "importer_result.json",
)
# Paths unwanted as a whole (relative to the collection root).
UNWANTED_PATHS = ("tests/output", "tests/output/*", "changelogs/.plugin-cache.yaml",
                  "tests/integration/integration_config.yml")
REQUIRED = (
    "MANIFEST.json", "FILES.json", "README.md", "LICENSE", "LICENSES/GPL-3.0-or-later.txt",
    "requirements.txt", "meta/runtime.yml", "changelogs/changelog.yaml",
    "docs/docsite/extra-docs.yml", "docs/docsite/links.yml",
)


def unwanted(names):
    """The member names that are test output, caches or build leftovers."""
    found = []
    for name in names:
        path = name.rstrip("/")
        if any(fnmatch.fnmatch(part, pattern) for part in path.split("/") for pattern in UNWANTED_PARTS) or any(
                fnmatch.fnmatch(path, pattern) for pattern in UNWANTED_PATHS):
            found.append(path)
    return found


def missing(names):
    present = {name.rstrip("/") for name in names}
    return [path for path in REQUIRED if path not in present]


def default_tarball():
    meta = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))
    return ROOT / "build" / ("%s-%s-%s.tar.gz" % (meta["namespace"], meta["name"], meta["version"]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("tarball", nargs="?", type=Path, help="default: build/<namespace>-<name>-<version>.tar.gz")
    tarball = parser.parse_args(argv).tarball or default_tarball()
    if not tarball.is_file():
        print("tarball_contents: %s does not exist; run 'make build' first" % tarball, file=sys.stderr)
        return 1
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
        manifest = json.load(archive.extractfile("MANIFEST.json")) if "MANIFEST.json" in names else {}
    problems = ["ships %s" % path for path in unwanted(names)] + ["lacks %s" % path for path in missing(names)]
    if problems:
        print("tarball_contents: %s:\n  %s" % (tarball, "\n  ".join(problems)), file=sys.stderr)
        return 1
    info = manifest.get("collection_info", {})
    print("tarball_contents: %s: hwc.res %s, %d entries, no test output or caches"
          % (tarball.name, info.get("version"), len(names)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
