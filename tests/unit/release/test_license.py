# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The license files the file headers and galaxy.yml point at hold the whole GPL v3 text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# SHA-256 of https://www.gnu.org/licenses/gpl-3.0.txt (35,149 bytes), the same file as
# Debian's /usr/share/common-licenses/GPL-3.
GPL_3_SHA256 = "3972dc9744f6499f0f9b2dbf76696f2ae7ad8af9b23dde66d6af86c9dfb36986"


@pytest.mark.parametrize("path", ["LICENSE", "LICENSES/GPL-3.0-or-later.txt"])
def test_license_file_is_the_full_gpl_3(path):
    assert hashlib.sha256((ROOT / path).read_bytes()).hexdigest() == GPL_3_SHA256
