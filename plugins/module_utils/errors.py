# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection's one exception type.

Everything below the adapters (configuration checks, HTTP, response
validation, normalization, queries) raises ResError, so a module, lookup or
inventory plugin needs a single ``except`` to turn any failure into its own
kind of error without a traceback.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ResError(Exception):
    """A failure to configure, reach or understand the RES or IAM API.

    ``message`` is complete and safe to show: it never holds a secret.
    The other attributes are set where known, so callers can branch on them
    and modules can return them.
    """

    def __init__(self, message, status_code=None, error_code=None, error_msg=None, request_id=None):
        super(ResError, self).__init__(message)
        self.message = message
        self.status_code = status_code
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id

    def __str__(self):
        return self.message

    def to_result(self):
        """The keys a module returns on failure: ``msg`` and whatever else is known."""
        result = {"msg": self.message}
        for key in ("status_code", "error_code", "error_msg", "request_id"):
            value = getattr(self, key)
            if value is not None:
                result[key] = value
        return result
