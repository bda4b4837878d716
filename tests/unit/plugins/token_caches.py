# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tests start from an empty cache of IAM tokens and project IDs (module tests may import this too)."""

from ansible_collections.hwc.res.plugins.module_utils import _auth


def forget_tokens():
    """Forget the IAM tokens and project IDs the collection caches for the life of the process."""
    for cache in (_auth._token_cache, _auth._project_id_cache, _auth._key_locks):  # pylint: disable=protected-access
        cache.clear()
