# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""tests/release/tarball_contents.py: the check `make build` output must pass before a release."""

from __future__ import annotations

import importlib.util
import io
import json
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("tarball_contents", ROOT / "tests" / "release" / "tarball_contents.py")
tarball_contents = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tarball_contents)

MANIFEST = json.dumps({"collection_info": {"namespace": "hwc", "name": "res", "version": "1.0.0"}})


def _tarball(path, names):
    with tarfile.open(path, "w:gz") as archive:
        for name in names:
            data = (MANIFEST if name == "MANIFEST.json" else "x").encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_a_clean_tarball_passes(tmp_path, capsys):
    names = list(tarball_contents.REQUIRED) + ["plugins/modules/infer_service_info.py", "tests/unit/test_x.py"]
    assert tarball_contents.main([str(_tarball(tmp_path / "hwc-res-1.0.0.tar.gz", names))]) == 0
    assert "hwc.res 1.0.0" in capsys.readouterr().out


@pytest.mark.parametrize("leftover", [
    "plugins/module_utils/__pycache__/_client.cpython-311.pyc",
    "plugins/modules/infer_service_info.pyc",
    "tests/output/junit/python3.11-units.xml",
    ".pytest_cache/v/cache/lastfailed",
    "tests/unit/.hypothesis/examples/x",
    ".ansible/collections/x",
    "extensions/molecule/infer_service_compliance/.ansible/tmp/x",
    ".venv/bin/python",
    "build/hwc-res-1.0.0.tar.gz",
    "changelogs/.plugin-cache.yaml",
    "tests/integration/integration_config.yml",
    "importer_result.json",
    ".coverage",
])
def test_test_output_and_caches_fail(tmp_path, capsys, leftover):
    tarball = _tarball(tmp_path / "hwc-res-1.0.0.tar.gz", list(tarball_contents.REQUIRED) + [leftover])
    assert tarball_contents.main([str(tarball)]) == 1
    assert "ships %s" % leftover in capsys.readouterr().err


def test_a_missing_license_fails(tmp_path, capsys):
    names = [name for name in tarball_contents.REQUIRED if not name.startswith("LICENSE")]
    assert tarball_contents.main([str(_tarball(tmp_path / "hwc-res-1.0.0.tar.gz", names))]) == 1
    err = capsys.readouterr().err
    assert "lacks LICENSE" in err and "lacks LICENSES/GPL-3.0-or-later.txt" in err
