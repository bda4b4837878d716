# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""API text made safe to print: terminal control characters become visible escapes.

A service name or an error_msg comes from a server the collection does not
control; printed as it is, an ESC sequence could rewrite the user's terminal
or hide a line of output. Every message and warning built from API text passes
it through printable().
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# C0 (tab and newline included), DEL and C1: the characters a terminal acts on instead of showing.
_CONTROL_CHARACTERS = re.compile(u"[\x00-\x1f\x7f-\x9f]")


def printable(text):
    """``text`` with every control character written as an escape such as ``\\x1b``."""
    return _CONTROL_CHARACTERS.sub(lambda match: "\\x%02x" % ord(match.group()), text)
