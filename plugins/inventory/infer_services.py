# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
name: infer_services
short_description: Huawei Cloud RES inference services as inventory hosts
version_added: 1.0.0
description:
  - Makes every inference service of one or more Huawei Cloud Recommender System (RES) projects and workspaces an
    inventory host, so plays can target services by status, project or any field, for example in an AWX
    inventory source.
  - Uses a YAML configuration file whose name ends with C(infer_services.yml) or C(infer_services.yaml).
  - Host vars are the service's fields, normalized exactly as the RV(hwc.res.infer_service_info#module:services)
    that the M(hwc.res.infer_service_info) module returns, plus C(project_id), C(workspace_id) and C(region).
    Fields whose name starts with C(ansible_) are not set, so data from the API can never choose how Ansible
    connects. A field whose name is not a valid variable name is set under a valid one (C(with-dash) as
    C(with_dash)), with one warning per field.
  - A field named like a variable or function of Ansible would hide it for the host. With a field C(omit), the
    filter C(default) passes the field's value where C(omit) was meant, and a field C(lookup) breaks every lookup.
    Such a field (a Jinja global such as C(lookup), C(query), C(q), C(omit), C(range), C(dict) or C(now), a magic
    variable such as C(inventory_hostname), C(hostvars) or C(groups), or a name ansible-core reserves such as
    C(name), C(vars) or C(environment), as the running ansible-core lists them) is set with C(_) appended, so
    C(omit) as C(omit_), or with more C(_) while another field has that name. One warning names them all.
  - "Every host is in the groups C(infer_services), C(status_<status>) and C(project_<project_id>)
    (characters that are invalid in group names become C(_))."
author:
  - hwc.res contributors (@hwc-res)
options:
  plugin:
    description: Marks the file as a configuration of this plugin.
    required: true
    type: str
    choices: [hwc.res.infer_services]
  hostnames:
    description:
      - Service fields to name hosts by, in order of preference. A host is named by the first of these fields
        that the service has, as text or a number.
      - A service with none of them is left out, with a warning.
      - A name that several services would share goes to none of them. Each of those hosts is named
        C(<name>_<project_id>), or C(<name>_<service_id>) when another of them is in the same project (in another
        workspace). This depends only on the services read, never on which project answered first.
      - A host must not shadow C(localhost) or a group. A name that is C(localhost), C(all), C(ungrouped),
        C(infer_services), starts with C(status_) or C(project_), or is a group that O(groups) or O(keyed_groups)
        make, becomes C(<name>_<service_id>), with a warning.
      - A name that could be a template, or that AWX, host patterns or inventory files would misread, is not
        used; the host is C(service_<service_id>), with a warning, and the service name stays in the host var
        C(service_name). Such a name holds a brace, C(#), C(:), C(,), a square bracket, a quote, a backslash,
        C(/) or a control or other invisible character, has a blank at either end, starts with C(!), C(&),
        C(~), C(@) or C(;), or is longer than 255 characters.
      - A service or project ID that could not stand in a host name (or is longer than 64 characters) stands
        there as C(sha256-) and the first 16 hex digits of its SHA-256 digest.
    type: list
    elements: str
    default: [service_name]
  connection:
    description:
      - The C(ansible_connection) to set on every host. Services are not SSH targets, so tasks on them run on the
        controller by default.
      - Set to an empty string to set no C(ansible_connection) at all.
    type: str
    default: local
extends_documentation_fragment:
  - hwc.res.connection
  - hwc.res.connection.plugin
  - hwc.res.service_filters
  - hwc.res.projects
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
notes:
  - >-
    The connection options may be templates, rendered when the inventory is read, such as O(password) set to
    V({{ lookup('ansible.builtin.env', 'MY_PASSWORD'\) }}) (quoted in the YAML file), or vaulted values.
    Options that are not set are read from the E(HW_*) environment variables, which is what an AWX credential
    injects.
  - Hosts are added in the order of O(projects). With O(fail_on_errors=false), an inventory that misses a project
    that could not be read is not cached, so the next run reads every project again.
  - With O(cache=true) the services read are cached per inventory file and per credential identity, projects and
    endpoints (never per secret). While the entry is fresh, a run makes no API request at all and reading it
    does not extend its life; C(--flush-cache) reads the API again. The filters, O(hostnames), O(compose),
    O(groups) and O(keyed_groups) apply to the cached services, so changing them needs no flush.
  - Everything that came from the API is marked unsafe, so a service name or description is never rendered as
    a template.
  - To make C(ansible-inventory) and C(ansible-playbook) fail, rather than warn, when a source fails (as AWX
    does for inventory updates), set E(ANSIBLE_INVENTORY_UNPARSED_FAILED=true).
seealso:
  - module: hwc.res.infer_service_info
    description: The same services as a task result.
  - plugin: hwc.res.infer_services
    plugin_type: lookup
    description: The same services as a list to loop over.
"""

EXAMPLES = r"""
# all.infer_services.yml, an inventory source (one YAML document; its file name ends with infer_services.yml).
# The smallest source is the one line "plugin: hwc.res.infer_services": every service of the project in
# HW_PROJECT_ID, with the credentials of the HW_* environment (an AWX credential injects them).
# This one reads two projects, one of them in two workspaces; keeps only the services that need attention,
# grouped by type, with an alert variable per host; names hosts by service ID; signs in with a password
# from another environment variable; and caches the services for ten minutes.
plugin: hwc.res.infer_services
projects:
  - 0a1b2c3d4e5f60718293a4b5c6d7e8f9
  - project_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
    workspace_id: ws-2
  - project_id: f9e8d7c6b5a4938271605f4e3d2c1b0a
    region: cn-east-3
status: [running, stopped, concerning]
keyed_groups:
  - key: infer_type
    prefix: type
groups:
  shared: is_shared
compose:
  alert: failure_rate is not none and failure_rate > 0.05
hostnames: [service_id]
user: ops-user
domain: my-account
password: "{{ lookup('ansible.builtin.env', 'RES_OPS_PASSWORD') }}"
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/ansible/inventory
cache_timeout: 600
"""

from ansible import constants as C
from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible_collections.hwc.res.plugins.module_utils._errors import ResError
from ansible_collections.hwc.res.plugins.module_utils._orchestrator import Orchestrator
from ansible_collections.hwc.res.plugins.module_utils._service_data import ServiceFilter, distinct_services
from ansible_collections.hwc.res.plugins.module_utils._text import printable
from ansible_collections.hwc.res.plugins.plugin_utils._controller import (
    connection_options,
    raised_as,
    refuse_secret_containers,
)
from ansible_collections.hwc.res.plugins.plugin_utils._unsafe import make_unsafe
from ansible_collections.hwc.res.plugins.plugin_utils._inventory import (
    ReservedNames,
    ansible_variable_names,
    assign_host_names,
    cache_scope,
    host_var_names,
    preferred_name,
)

ALL_GROUP = "infer_services"
RESERVED_PREFIX = "ansible_"


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = "hwc.res.infer_services"
    INVENTORY_FILE_SUFFIXES = ("infer_services.yml", "infer_services.yaml")
    # Set by _populate for the hosts it adds: the options every host needs, and the groups made so far.
    _connection = None
    _constructed = None
    _groups = None

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(self.INVENTORY_FILE_SUFFIXES)

    def set_options(self, task_keys=None, var_options=None, direct=None):
        # Before ansible-core's type check, which would quote a dict given as a password, secrets and all.
        with raised_as(AnsibleParserError):
            refuse_secret_containers(direct)
        super(InventoryModule, self).set_options(task_keys=task_keys, var_options=var_options, direct=direct)

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        config = self._read_config_data(path)
        with raised_as(AnsibleParserError):
            unknown = sorted(str(key) for key in config if key not in self._options)
            if unknown:
                raise ResError("%s: unknown option%s %s." % (path, "s" if len(unknown) > 1 else "", ", ".join(unknown)))
            # The options the file sets may be templates.
            with Orchestrator(connection_options(self.get_option, config, self.templar), self.get_option("projects"),
                              self.get_option("max_workers"), self.get_option("fail_on_errors"),
                              ServiceFilter.from_options(self.get_option)) as orchestrator:
                cache_key = self.get_cache_key(path) + "_" + cache_scope(orchestrator.configs)
                blocks = self._cached_or_read(cache_key, cache, orchestrator)
            self._populate(blocks, orchestrator.service_filter)

    def _cached_or_read(self, cache_key, cache, orchestrator):
        """The blocks of the services of every project, from the cache while it is fresh, else read."""
        # cache is false with --flush-cache and meta: refresh_inventory; the cache option is the user's choice.
        use_cache = self.get_option("cache")
        blocks = None
        if use_cache and cache:
            try:
                # A hit is returned as is: writing it back would restart its timeout.
                blocks = self._cache[cache_key]
            except KeyError:  # not cached yet, or expired
                pass
        if blocks is None:
            blocks = self._read(orchestrator)
            if use_cache and not orchestrator.failed_projects():
                self._cache[cache_key] = blocks
        error, warnings = orchestrator.outcome()
        if error:
            raise error
        for warning in warnings:
            self.display.warning(warning)
        return blocks

    @staticmethod
    def _read(orchestrator):
        """Read every project; the blocks of the projects read, in configured order.

        A block is the JSON-serializable record that is cached: where the services came from, and the services.
        """
        return [{"project_id": read.project_id, "workspace_id": read.config.workspace_id,
                 "region": read.config.region, "services": read.services}
                for read in orchestrator.read() if not read.error]

    def _populate(self, blocks, service_filter):
        # Options every host needs, read once rather than for each of thousands of hosts.
        self._connection = self.get_option("connection")
        constructed = [self.get_option(name) for name in ("compose", "groups", "keyed_groups")]
        self._constructed = constructed + [self.get_option("strict")] if any(constructed) else None
        self._groups = {}
        services, repeated = distinct_services([dict(service, region=block["region"])
                                                for block in blocks for service in service_filter.apply(block["services"])])
        for service in repeated:
            self.display.warning("RES listed service %s (%s) of project %s more than once; its entry of workspace %s "
                                 "is left out." % (printable(service["service_name"]), printable(service["service_id"]),
                                                   service["project_id"], printable(service["workspace_id"])))
        var_names = self._host_var_names(services)
        assignments, nameless = assign_host_names(services, self.get_option("hostnames"),
                                                  self._reserved_names(services, var_names))
        for service in nameless:
            self.display.warning("Service %s (%s) of project %s has none of the hostnames fields %s; it is left out."
                                 % (printable(service["service_name"]), printable(service["service_id"]),
                                    service["project_id"], ", ".join(self.get_option("hostnames"))))
        self.inventory.add_group(ALL_GROUP)
        for assignment in assignments:
            if assignment.replaced:
                self.display.warning(
                    "Service %s (%s) of project %s would be the host %s, which could be a template or be misread by "
                    "AWX, host patterns or inventory files; it is the host %s, and its name is in the host var "
                    "service_name." % (printable(assignment.service["service_name"]),
                                       printable(assignment.service["service_id"]), assignment.service["project_id"],
                                       printable(repr(preferred_name(assignment.service, self.get_option("hostnames")))),
                                       assignment.name))
            elif assignment.renamed:
                self.display.warning(
                    "Service %s (%s) of project %s would be the host %s, a name kept for localhost or a group; it "
                    "is the host %s." % (printable(assignment.service["service_name"]),
                                         printable(assignment.service["service_id"]), assignment.service["project_id"],
                                         printable(preferred_name(assignment.service, self.get_option("hostnames"))),
                                         printable(assignment.name)))
            self._add_service_host(assignment.name, assignment.service, var_names)

    def _host_var_names(self, services):
        """{field: host var name or None} for every field of ``services``.

        Warns once about the fields left out, once about those renamed so as not to hide Ansible's own
        names, and once per field renamed for being no valid variable name.
        """
        shadowing = ansible_variable_names(self.templar)
        var_names = host_var_names(set(field for service in services for field in service), RESERVED_PREFIX, shadowing)
        reserved = sorted(field for field, name in var_names.items() if name is None)
        if reserved:
            self.display.warning("RES sent fields that Ansible reserves (%s); they are not set as host vars."
                                 % ", ".join(printable(field) for field in reserved))
        shadowed = sorted(field for field, name in var_names.items() if field in shadowing and name is not None)
        if shadowed:
            self.display.warning("RES sent fields named like variables or functions of Ansible, which they would "
                                 "hide; they are set as other host vars: %s."
                                 % ", ".join("%s as %s" % (field, var_names[field]) for field in shadowed))
        for field, name in sorted(var_names.items()):
            if name not in (None, field) and field not in shadowing:
                self.display.warning("RES sent the field %s, which is not a valid variable name; it is set as the "
                                     "host var %s." % (printable(repr(field)), name))
        return var_names

    def _reserved_names(self, services, var_names):
        """The ReservedNames of this source: localhost, every group it or another source makes, and its group prefixes."""
        names = set(C.LOCALHOST) | {"all", "ungrouped", ALL_GROUP} | set(self.inventory.groups)
        names.update(self._sanitize_group_name(name) for name in self.get_option("groups") or {})
        if self.get_option("keyed_groups"):
            names.update(self._keyed_group_names(services, var_names))
        return ReservedNames(names, prefixes=("status_", "project_"))

    def _keyed_group_names(self, services, var_names):
        """The groups keyed_groups would make: the services added once to a scratch inventory under names no group has."""
        real, real_groups = self.inventory, self._groups
        self.inventory, self._groups = InventoryData(), {}
        self.inventory.add_group(ALL_GROUP)
        try:
            for index, service in enumerate(services):
                self._add_service_host(u"\u2063probe-%d" % index, service, var_names)
            return set(self.inventory.groups)
        finally:
            self.inventory, self._groups = real, real_groups

    def _add_service_host(self, name, service, var_names):
        host = self.inventory.add_host(make_unsafe(name), group=ALL_GROUP)
        for key, value in service.items():
            if var_names[key] is not None:
                self.inventory.set_variable(host, var_names[key], make_unsafe(value))
        if self._connection:
            self.inventory.set_variable(host, "ansible_connection", self._connection)
        for group in ("status_%s" % service["status"], "project_%s" % service["project_id"]):
            self.inventory.add_child(self._group(group), host)
        if self._constructed:
            compose, groups, keyed_groups, strict = self._constructed
            host_vars = self.inventory.get_host(host).get_vars()
            self._set_composite_vars(compose, host_vars, host, strict=strict)
            self._add_host_to_composed_groups(groups, host_vars, host, strict=strict)
            self._add_host_to_keyed_groups(keyed_groups, host_vars, host, strict=strict)

    def _group(self, name):
        """The group ``name`` sanitized, added to the inventory the first time a host needs it."""
        if name not in self._groups:
            # Sanitizing turns every character but letters, digits and _ into _: no template survives it.
            self._groups[name] = self.inventory.add_group(self._sanitize_group_name(name))
        return self._groups[name]
