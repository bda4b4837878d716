# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures of the functional tests; the harness itself is in harness.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Ansible, ResSimulator  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture
def simulator():
    with ResSimulator() as sim:
        yield sim


@pytest.fixture
def ansible(simulator, tmp_path):
    return Ansible(simulator, tmp_path)
