# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment:

    # Filters on the service list: module, lookup and inventory.
    DOCUMENTATION = r"""
options:
  name:
    description:
      - Keep only services whose C(service_name) matches one of these shell-style globs (V(res-rank-*)).
        Matching is case-sensitive.
    type: list
    elements: str
  status:
    description:
      - Keep only services in one of these statuses.
      - RES documents V(deploying), V(running), V(stopped) and V(concerning); these match in any case
        (V(Running) is V(running)). Any other value gives a warning and is matched exactly as given, since RES
        may add statuses.
    type: list
    elements: str
  infer_type:
    description:
      - Keep only services of this type, for example V(real-time).
    type: str
  is_shared:
    description:
      - Keep only shared services (V(true)) or only unshared ones (V(false)).
    type: bool
notes:
  - Filters combine with AND; the entries of one list filter combine with OR.
"""

    # Output options of the module and the lookup.
    OUTPUT = r"""
options:
  details:
    description:
      - Also read each matched service's details, adding C(access_address) and C(flows).
      - Costs one more API request per matched service. Details are read concurrently, at most O(max_workers)
        at a time, and the services keep their order.
      - A service whose details cannot be read is left out, and counts as a failure as O(fail_on_errors) says.
    type: bool
    default: false
  query:
    description:
      - A JMESPath expression applied to the filtered list of services.
    type: str
requirements:
  - jmespath (for O(query))
"""
