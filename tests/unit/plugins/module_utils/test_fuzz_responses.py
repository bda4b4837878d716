# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Property tests: whatever the API sends, the client returns normalized services or raises ResError."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.hwc.res.plugins.module_utils._client import ResClient
from ansible_collections.hwc.res.plugins.module_utils._config import ConnectionConfig
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.module_utils._service_data import normalize_services, summarize

PROJECT_ID = "7f0f015577c437ffaf2486bfb279f705"
SERVICE_FIELDS = ("service_id", "service_name", "description", "infer_type", "status", "is_shared",
                  "invocation_times", "failed_times", "publish_time", "update_time")

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
# Services close to the documented shape reach deeper into normalization than random values do.
counter_values = st.integers().map(str) | st.integers() | json_scalars
service_like = st.fixed_dictionaries(
    {"service_id": st.text(min_size=1) | json_scalars, "service_name": st.text() | json_scalars,
     "status": st.sampled_from(["running", "stopped", "deploying", "concerning", "failed"]) | json_scalars},
    optional={"invocation_times": counter_values, "failed_times": counter_values,
              "publish_time": st.integers() | json_scalars, "update_time": st.integers() | json_scalars,
              "description": json_scalars, "is_shared": json_scalars, "extra": json_values})
service_lists = st.lists(service_like | json_values, max_size=5)
bodies = (st.fixed_dictionaries({"is_success": st.booleans() | json_scalars, "services": service_lists | json_values})
          | st.fixed_dictionaries({"is_success": json_scalars, "error_code": json_scalars, "error_msg": json_scalars})
          | json_values)


def check_normalized(services):
    assert summarize(services)["total"] == len(services)
    for service in services:
        assert isinstance(service["service_name"], str) and isinstance(service["status"], str)
        for field in ("invocation_times", "failed_times"):
            assert service[field] is None or (isinstance(service[field], int) and not isinstance(service[field], bool))
        assert service["failure_rate"] is None or isinstance(service["failure_rate"], float)
        json.dumps(service)


@settings(max_examples=400, deadline=None)
@given(service_lists | json_values)
def test_normalization_returns_services_or_raises_res_error(raws):
    try:
        services, warnings = normalize_services(raws, PROJECT_ID, "0")
    except ResError as error:
        assert error.message
    else:
        check_normalized(services)
        assert all(isinstance(warning, str) for warning in warnings)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status=st.sampled_from([200, 201, 400, 401, 403, 404, 429, 500, 502, 503]),
       body=bodies.map(lambda value: json.dumps(value).encode("utf-8")) | st.binary(max_size=64))
def test_any_response_yields_services_or_a_res_error(sim, status, body):
    sim.add_fault("list", "raw", times=1, status=status, body=body)
    config = ConnectionConfig({"endpoint": sim.url, "auth_token": "sim-token-cn-north-4-valid",
                               "project_id": PROJECT_ID, "retries": 0, "timeout": 5})
    try:
        with ResClient(config) as res:
            services, _warnings = res.find_services()
    except ResError as error:
        assert error.message and "Traceback" not in error.message
    else:
        assert 200 <= status < 300
        check_normalized(services)
