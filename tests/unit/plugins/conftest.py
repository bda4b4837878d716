# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures of every unit test: the simulator.

Module and module_utils tests see this file too, and ansible-test runs those with only
``ansible.module_utils`` importable: nothing here may import controller code. The fixtures
of controller tests are in controller_fixtures.py.
"""

import os
import sys
from pathlib import Path

import pytest

from ansible_collections.hwc.res.tests.unit.plugins.token_caches import forget_tokens

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "simulator"))
from res_simulator import ResSimulator  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope="session")
def shared_simulator():
    with ResSimulator() as simulator:
        yield simulator


@pytest.fixture
def sim(shared_simulator):
    """One simulator for the tests that change no data: faults, counters, latency and caches start clean."""
    shared_simulator.clear_faults()
    shared_simulator.reset_counters()
    shared_simulator.latency = 0.0
    forget_tokens()
    yield shared_simulator
    shared_simulator.clear_faults()
    shared_simulator.latency = 0.0
    forget_tokens()


@pytest.fixture
def simulator(monkeypatch):
    """A simulator of the test's own (it may add services), with no HW_* variable of the caller in sight."""
    for name in [name for name in os.environ if name.startswith("HW_")]:
        monkeypatch.delenv(name)
    forget_tokens()
    with ResSimulator() as fresh:
        yield fresh
    forget_tokens()
