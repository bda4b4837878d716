# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""make_unsafe: API text that could be a template is never rendered; other text stays plain."""

import pytest

from ansible.utils.unsafe_proxy import AnsibleUnsafe
from ansible_collections.hwc.res.plugins.plugin_utils import _unsafe
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.plugin_utils._controller import refuse_secret_containers
from ansible_collections.hwc.res.plugins.plugin_utils._unsafe import make_unsafe

try:
    from ansible.template import is_trusted_as_template
except ImportError:  # ansible-core < 2.19
    is_trusted_as_template = None

# Each would run `id` if Ansible rendered it; the last one only through its "#jinja2:" header.
HOSTILE = ["{{ lookup('pipe', 'id') }}", "{% set x = lookup('pipe', 'id') %}", "half {{ open",
           "#jinja2:variable_start_string:'<<',variable_end_string:'>>'\n<< lookup('pipe', 'id') >>"]
PLAIN = ["res-rank-prod", "running", "", "Ranking # v2 (jinja2: no)", "50%"]


def trusted(text):
    """Whether Ansible would render ``text`` as a template if it contained one."""
    if is_trusted_as_template is not None:
        return is_trusted_as_template(text)
    return not isinstance(text, AnsibleUnsafe)


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_could_be_a_template_is_never_rendered(text, rendered):
    value = make_unsafe({"service_name": text, "flows": [{"name": text}], "tags": (text,)})
    assert not trusted(value["service_name"]) and not trusted(value["flows"][0]["name"])
    assert not trusted(value["tags"][0])
    assert rendered("{{ service_name }}", value) == text


@pytest.mark.parametrize("text", PLAIN)
def test_text_without_template_markers_is_plain(text):
    # On ansible-core >= 2.19 it carries the trusted tag, so ansible-inventory --export writes it as plain text.
    value = make_unsafe({"service_name": text, "flows": [text]})
    assert trusted(value["service_name"]) and trusted(value["flows"][0])
    assert value == {"service_name": text, "flows": [text]}


def test_other_values_pass_unchanged():
    value = {"invocation_times": 3, "failure_rate": 0.5, "is_shared": False, "access_address": None}
    assert make_unsafe(value) == value


def test_trust_tag_is_used_exactly_from_ansible_core_2_19():
    from ansible.release import __version__
    assert (_unsafe.trust_as_template is not None) == (tuple(int(p) for p in __version__.split(".")[:2]) >= (2, 19))


@pytest.mark.parametrize("value, kind", [({"password": "Pw-0001"}, "a dict"), (["Pw-0001"], "a list")])
def test_a_secret_option_given_a_container_is_refused_without_its_value(value, kind):
    with pytest.raises(ResError) as caught:
        refuse_secret_containers({"password": value, "user": "demo-user"})
    assert "password (HW_USER_PASSWORD) must be a string, got %s" % kind in caught.value.message
    assert "Pw-0001" not in caught.value.message


def test_secret_options_given_as_text_or_numbers_pass():
    refuse_secret_containers({"password": "Pw-0001", "auth_token": None, "secret_key": 1234, "user": ["x"]})
    refuse_secret_containers(None)
