# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API text made printable."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwc.res.plugins.module_utils._text import printable


@pytest.mark.parametrize("text, shown", [
    (u"res-\x1b[2Jrank", u"res-\\x1b[2Jrank"),
    (u"bell\x07 cr\r lf\n tab\t", u"bell\\x07 cr\\x0d lf\\x0a tab\\x09"),
    (u"c1\x9b31m del\x7f", u"c1\\x9b31m del\\x7f"),
    (u"推荐-排序 ✓ {{ x }}", u"推荐-排序 ✓ {{ x }}"),
])
def test_control_characters_become_visible_escapes(text, shown):
    assert printable(text) == shown
