# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures of the controller plugin tests: captured warnings, and plugins as Ansible loads them.

They import controller code (the plugin loader, Templar, Display), which ansible-test keeps out
of reach of module and module_utils tests; so only the conftest.py of the controller plugin
folders (lookup, inventory, filter) imports them.
"""

import sys
from pathlib import Path

import pytest

from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader
from ansible.template import Templar
from ansible.utils.collection_loader import AnsibleCollectionConfig
from ansible.utils.display import Display
from ansible_collections.hwc.res.plugins.module_utils import _client as client_module


@pytest.fixture
def warnings(monkeypatch):
    """The messages passed to Display.warning during the test."""
    seen = []
    monkeypatch.setattr(Display, "warning", lambda self, msg, *args, **kwargs: seen.append(msg))
    return seen


def _load_plugin(loader, name):
    """``name`` as Ansible's ``loader`` loads it, with its documented options and doc fragments.

    pytest imports the collection as plain namespace packages, which the plugin loader cannot use
    (they lack the collection metadata and a __file__): those packages are dropped, so that the
    collection finder imports them again; modules with code stay, so the plugin shares them (and
    the client's caches) with the tests.
    """
    if AnsibleCollectionConfig.collection_finder is None:
        # The folder that holds ansible_collections/hwc/res (unresolved: it may be a symlink farm).
        init_plugin_loader([str(Path(client_module.__file__).parents[5])])
    if getattr(sys.modules.get("ansible_collections.hwc.res"), "_collection_meta", None) is None:
        for module_name in [module_name for module_name, module in list(sys.modules.items())
                            if module_name.split(".")[0] == "ansible_collections"
                            and getattr(module, "__file__", None) is None]:
            del sys.modules[module_name]
    return loader.get(name)


@pytest.fixture
def load_plugin():
    """load_plugin(loader, name="hwc.res.infer_services") -> the plugin, loaded as Ansible loads it."""
    return lambda loader, name="hwc.res.infer_services": _load_plugin(loader, name)


@pytest.fixture
def rendered():
    """rendered(template, variables): what Ansible makes of a trusted ``template``; unsafe values stay as they are."""
    def render(template, variables):
        try:
            from ansible.template import trust_as_template  # ansible-core >= 2.19 renders only trusted templates
            template = trust_as_template(template)
        except ImportError:
            pass
        return Templar(loader=DataLoader(), variables=variables).template(template)
    return render
