# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Harness for end-to-end tests: a simulator per test, and real ansible-playbook / ansible-inventory runs.

Every run gets an environment of its own: the collection from this checkout, a
scratch ANSIBLE_HOME, no HW_* variable from the caller, and the credentials of
the chosen auth method (see CREDENTIALS).
"""

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "simulator"))

from res_simulator import ResSimulator  # noqa: E402  pylint: disable=wrong-import-position

__all__ = ["AUTH_METHODS", "CREDENTIALS", "EAST_PROJECT_ID", "PROD_PROJECT_ID", "PROJECT_ID", "SAMPLE",
           "Ansible", "ResSimulator", "Run", "iso_ms", "task_play"]

BIN = Path(sys.executable).parent
SAMPLE = json.loads((REPO / "tests" / "simulator" / "sample_data.json").read_text())
PROJECT_ID = "7f0f015577c437ffaf2486bfb279f705"  # cn-north-4 of demo-domain in the sample
PROD_PROJECT_ID = "9e8f95e534f82a3a0ea7856ef34d2614"  # cn-north-4_prod
EAST_PROJECT_ID = "d6fbd8036f5b8b53ef1cd25fabea478f"  # cn-east-3

_DEMO = SAMPLE["domains"][0]
CREDENTIALS = {
    "password": {"HW_USER_NAME": _DEMO["users"][0]["name"], "HW_USER_PASSWORD": _DEMO["users"][0]["password"],
                 "HW_DOMAIN_NAME": _DEMO["name"]},
    "aksk": {"HW_ACCESS_KEY": _DEMO["access_keys"][0]["access"], "HW_SECRET_KEY": _DEMO["access_keys"][0]["secret"]},
    "temporary": {"HW_ACCESS_KEY": _DEMO["access_keys"][1]["access"],
                  "HW_SECRET_KEY": _DEMO["access_keys"][1]["secret"],
                  "HW_SECURITY_TOKEN": _DEMO["access_keys"][1]["security_token"]},
    "token": {"HW_AUTH_TOKEN": "sim-token-cn-north-4-valid", "HW_PROJECT_ID": PROJECT_ID},
}
AUTH_METHODS = sorted(CREDENTIALS)


def iso_ms(millis):
    """Epoch milliseconds as the collection shows them (``*_iso``): the simulator serves the sample's times
    moved to the same distance before now (tests/simulator/README.md), so expected ones come from it."""
    return datetime.fromtimestamp(millis // 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (
        millis % 1000)


class Run:
    """What one ansible command did: its exit code, output, and (for playbooks) every task result."""

    def __init__(self, completed, results):
        self.rc = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.results = results

    @property
    def output(self):
        return self.stdout + self.stderr

    def task(self, name):
        """The result of the task called ``name`` (the last one, if it ran more than once)."""
        matches = [record for record in self.results if record["task"] == name]
        assert matches, "task %r did not run; tasks: %s\n%s" % (
            name, [record["task"] for record in self.results], self.output)
        return matches[-1]

    def __repr__(self):
        return "Run(rc=%s)\nSTDOUT:\n%s\nSTDERR:\n%s" % (self.rc, self.stdout, self.stderr)


class Ansible:
    """Runs ansible commands against one simulator."""

    def __init__(self, simulator, tmp_path):
        self.simulator = simulator
        self.tmp_path = tmp_path
        collections = tmp_path / "collections" / "ansible_collections" / "hwc"
        collections.mkdir(parents=True)
        (collections / "res").symlink_to(REPO)
        self.collections_path = tmp_path / "collections"
        self._runs = 0

    def env(self, auth="password", **extra):
        """The environment of a run: endpoints of the simulator and the credentials of ``auth`` (None: none)."""
        env = dict((key, value) for key, value in os.environ.items()
                   if not key.startswith(("HW_", "ANSIBLE_", "HUAWEICLOUD_")))
        env.update({
            "PATH": "%s%s%s" % (BIN, os.pathsep, env.get("PATH", "")),
            "ANSIBLE_COLLECTIONS_PATH": str(self.collections_path),
            "ANSIBLE_HOME": str(self.tmp_path / "ansible-home"),
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
            "ANSIBLE_CALLBACK_PLUGINS": str(REPO / "tests" / "functional" / "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "record_results",
            "HW_RES_ENDPOINT": self.simulator.url,
            "HW_AUTH_URL": self.simulator.url + "/v3",
            "HW_PROJECT_ID": PROJECT_ID,
        })
        if auth is not None:
            env.update(CREDENTIALS[auth])
        env.update((key, str(value)) for key, value in extra.items() if value is not None)
        for key in [key for key, value in extra.items() if value is None]:
            env.pop(key, None)
        return env

    def _next(self, suffix):
        self._runs += 1
        return self.tmp_path / ("run%d%s" % (self._runs, suffix))

    def playbook(self, playbook, auth="password", env=None, args=(), extra_vars=None, timeout=180):
        """Run ``playbook`` (YAML text, or a Path) and return a Run."""
        if not isinstance(playbook, Path):
            path = self._next(".yml")
            path.write_text(playbook)
            playbook = path
        results_file = self._next(".json")
        command = [str(BIN / "ansible-playbook"), str(playbook)] + list(args)
        if extra_vars:
            command += ["-e", json.dumps(extra_vars)]
        run_env = self.env(auth, HWC_RES_TEST_RESULTS=results_file, **(env or {}))
        completed = subprocess.run(command, env=run_env, capture_output=True, text=True, timeout=timeout,
                                   cwd=str(self.tmp_path), stdin=subprocess.DEVNULL, check=False)
        results = json.loads(results_file.read_text()) if results_file.exists() else []
        return Run(completed, results)

    def inventory(self, config, auth="password", env=None, args=("--list",), name="sim.infer_services.yml",
                  timeout=180):
        """Run ansible-inventory on an inventory config (YAML text) and return a Run."""
        path = self.tmp_path / name
        path.write_text(config)
        command = [str(BIN / "ansible-inventory"), "-i", str(path)] + list(args)
        completed = subprocess.run(command, env=self.env(auth, **(env or {})), capture_output=True, text=True,
                                   timeout=timeout, cwd=str(self.tmp_path), stdin=subprocess.DEVNULL, check=False)
        return Run(completed, [])


def task_play(*tasks, name="functional test"):
    """A play on localhost (no facts) with ``tasks``, each a YAML text block indented by four spaces."""
    return "- name: %s\n  hosts: localhost\n  gather_facts: false\n  tasks:\n%s" % (name, "\n".join(tasks))
