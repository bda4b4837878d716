# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""tests/unit/requirements.txt (read by ansible-test units) against requirements-dev.txt (make units, make matrix)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# ansible-test installs these itself, in versions of its own choosing.
PROVIDED_BY_ANSIBLE_TEST = {"pytest", "pytest-xdist", "pytest-mock", "mock", "pyyaml"}
PIN = re.compile(r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;#]+)\s*(?:;(?P<marker>[^#]*))?(?P<comment>#.*)?$")


def pins(path):
    """{name, version, marker, comment} of each `name==version` line of ``path`` (name in lower case)."""
    found = []
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            pin = {key: (value or "").strip() for key, value in match.groupdict().items()}
            pin["name"] = pin["name"].lower()
            found.append(pin)
    return found


@pytest.fixture(scope="module")
def dev_pins():
    path = ROOT / "requirements-dev.txt"
    if not path.exists():  # an installed collection: the build leaves the development files out
        pytest.skip("requirements-dev.txt is not part of this tree")
    return pins(path)


def test_unit_pins_are_the_dev_pins(dev_pins):
    dev = {pin["name"]: pin["version"] for pin in dev_pins}
    unit = [(pin["name"], pin["version"]) for pin in pins(ROOT / "tests" / "unit" / "requirements.txt")
            if pin["marker"] in ("", 'python_version >= "3.11"')]
    assert unit
    assert [(name, dev.get(name)) for name, version in unit] == unit


def test_every_matrix_test_requirement_is_a_unit_requirement(dev_pins):
    """A test-time import tagged `# matrix` for the legs is needed by ansible-test units too."""
    unit = {pin["name"] for pin in pins(ROOT / "tests" / "unit" / "requirements.txt")}
    matrix = {pin["name"] for pin in dev_pins if re.search(r"#\s*matrix\b", pin["comment"])}
    assert matrix - PROVIDED_BY_ANSIBLE_TEST <= unit
