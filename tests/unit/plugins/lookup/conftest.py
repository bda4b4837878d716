# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The controller fixtures (tests/unit/plugins/controller_fixtures.py) for the tests in this folder."""

from ansible_collections.hwc.res.tests.unit.plugins.controller_fixtures import load_plugin, rendered, warnings  # noqa: F401  pylint: disable=unused-import
