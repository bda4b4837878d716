# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures of the functional tests; the harness itself is in harness.py."""

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


def pytest_terminal_summary(terminalreporter):
    """How many documentation examples ran and how many are marked not to, when test_doc_examples.py ran."""
    reports = [report for reports in terminalreporter.stats.values() for report in reports]
    if any("test_doc_examples.py" in getattr(report, "nodeid", "") for report in reports):
        from doc_examples import counts_line  # pylint: disable=import-outside-toplevel
        terminalreporter.write_line(counts_line())
