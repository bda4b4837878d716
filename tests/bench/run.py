#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Benchmarks of the collection against the simulator, each side measured in the same run.

    python tests/bench/run.py [--runs N] [--case NAME ...] [--services N]

Every case first checks, once, that both sides produce the same answer; then
it times the sides in turns (A B C A B C ...) so that drift of the machine
hits them alike, and prints the median of each side and the ratio to the
baseline, against the target. The simulator's request counters show how many
token and list requests each side made. Exit code 1 when a target is missed.
"""

import argparse
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "functional"))

from harness import PROJECT_ID, SAMPLE, Ansible, ResSimulator  # noqa: E402  pylint: disable=wrong-import-position

PLAYBOOKS = Path(__file__).resolve().parent / "playbooks"
FLOOR_COLLECTIONS = Path(__file__).resolve().parent / "floor"
BENCH_WORKSPACE = "bench"


class Measurement:
    """Wall seconds and peak memory of one command."""

    def __init__(self, seconds, max_rss_kb):
        self.seconds = seconds
        self.max_rss_kb = max_rss_kb


def measure(command, env, cwd):
    """Run ``command``; fail loudly if it fails, else return its Measurement."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=str(cwd), stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        # wait4 reports the peak memory of this child alone, not of every child so far.
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            output.seek(0)
            raise SystemExit("bench: %s failed (rc %d):\n%s" % (
                " ".join(command), process.returncode, output.read().decode("utf-8", "replace")[-3000:]))
    return Measurement(seconds, usage.ru_maxrss)


class Side:
    """One way of doing the job of a case: a command, its environment, and what it measured."""

    def __init__(self, label, command, env):
        self.label = label
        self.command = command
        self.env = env
        self.measurements = []
        self.counters = None

    def run(self, simulator, cwd):
        simulator.reset_counters()
        self.measurements.append(measure(self.command, self.env, cwd))
        self.counters = dict(simulator.counters)

    @property
    def seconds(self):
        return statistics.median(m.seconds for m in self.measurements)

    @property
    def max_rss_mb(self):
        return statistics.median(m.max_rss_kb for m in self.measurements) / 1024.0


def interleave(sides, simulator, cwd, runs):
    for side in sides:  # warm-up: file caches, .pyc files
        side.run(simulator, cwd)
        side.measurements.clear()
    for _run in range(runs):
        for side in sides:
            side.run(simulator, cwd)


class Report:
    def __init__(self):
        self.rows = []
        self.missed = []

    def case(self, title):
        self.rows.append(("", "", "", "", "", ""))
        self.rows.append((title, "", "", "", "", ""))

    def side(self, side, baseline=None, target=None, memory=False):
        """A row for ``side``: its median, and its ratio to ``baseline`` against ``target``."""
        figure = side.max_rss_mb if memory else side.seconds
        ratio_text, target_text = "baseline", ""
        if baseline is not None:
            ratio = figure / (baseline.max_rss_mb if memory else baseline.seconds)
            ratio_text = "%.2f" % ratio
            if target is not None:
                met = ratio <= target
                target_text = "<= %.2f %s" % (target, "met" if met else "MISSED")
                if not met:
                    self.missed.append("%s%s: %.2f > %.2f" % (side.label, " (memory)" if memory else "", ratio, target))
        counters = ", ".join("%s %d" % (name, count) for name, count in sorted(side.counters.items()) if count)
        self.rows.append(("  " + side.label, "%.3f %s" % (figure, "MiB" if memory else "s"), ratio_text,
                          target_text, counters or "-", ""))

    def above(self, side, floor, baseline):
        """A row for what ``side`` takes above ``floor``, in seconds and as a share of ``baseline``."""
        extra = side.seconds - floor.seconds
        self.rows.append(("  %s above %s" % (side.label.split(" ", 1)[0], floor.label.split(" ", 1)[0]),
                          "%.3f s" % extra, "%.2f" % (extra / baseline.seconds), "", "-", ""))

    def print(self):
        widths = [max(len(row[i]) for row in self.rows) for i in range(5)]
        header = ("case / side", "median", "ratio", "target", "requests per run")
        print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
        for row in self.rows:
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        print()
        print("all targets met" if not self.missed else "targets missed: " + "; ".join(self.missed))


def timing_env(ansible, auth="password", **extra):
    """The harness's isolated environment without its result-recording callback."""
    env = ansible.env(auth, **extra)
    env.pop("ANSIBLE_CALLBACKS_ENABLED")
    return env


def case_module_vs_uri(ansible, simulator, report, runs):
    """1. Get the list with password credentials and loop over the stopped services, three ways."""
    expected = sorted(s["service_name"] for s in next(
        p for p in SAMPLE["projects"] if p["id"] == PROJECT_ID)["workspaces"]["0"] if s["status"] == "stopped")
    names = (("uri", "(a) two ansible.builtin.uri tasks + selectattr"),
             ("module", "(b) hwc.res.infer_service_info"),
             ("lookup", "(c) query('hwc.res.infer_services')"),
             ("floor", "(d) floor: a module of two requests calls"))
    # The floor's module (tests/bench/floor) has no code of its own: what (b) costs above it is the collection's.
    floor_env = {"ANSIBLE_COLLECTIONS_PATH": "%s%s%s" % (ansible.collections_path, os.pathsep, FLOOR_COLLECTIONS)}
    sides = []
    for name, label in names:
        playbook = PLAYBOOKS / ("stopped_%s.yml" % name)
        extra = floor_env if name == "floor" else {}
        run = ansible.playbook(playbook, env=dict(extra, HW_PROJECT_ID=None))
        loop = run.task("Report each stopped service")["result"].get("results", [])
        found = sorted(item["item"]["service_name"] for item in loop)
        if run.rc != 0 or found != expected:
            raise SystemExit("bench: %s found %s, expected %s\n%r" % (playbook.name, found, expected, run))
        env = timing_env(ansible, HW_PROJECT_ID=None, **extra)
        sides.append(Side(label, ["ansible-playbook", str(playbook)], env))
    interleave(sides, simulator, ansible.tmp_path, runs)
    report.case("1. stopped services: uri vs module vs lookup (password auth, %d runs)" % runs)
    report.side(sides[0])
    report.side(sides[1], sides[0], 0.76)
    report.side(sides[2], sides[0], 0.5)
    report.side(sides[3], sides[0])
    report.above(sides[1], sides[3], sides[0])


def case_inventory_at_scale(ansible, simulator, report, runs, services):
    """2. N services in one project: the plugin against a script printing the very same JSON."""
    simulator.generate_services(PROJECT_ID, services, workspace_id=BENCH_WORKSPACE)
    tmp = ansible.tmp_path
    cache_dir = tmp / "inventory-cache"
    config = "plugin: hwc.res.infer_services\nworkspace_id: %s\n" % BENCH_WORKSPACE
    cached_config = config + "cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n" \
        "cache_timeout: 3600\n" % cache_dir
    (tmp / "cold.infer_services.yml").write_text(config)
    (tmp / "warm.infer_services.yml").write_text(cached_config)
    env = timing_env(ansible)
    listed = subprocess.run(["ansible-inventory", "-i", str(tmp / "cold.infer_services.yml"), "--list"], env=env,
                            cwd=str(tmp), capture_output=True, text=True, check=True).stdout
    inventory = json.loads(listed)
    hosts = inventory["_meta"]["hostvars"]
    if len(hosts) != services:
        raise SystemExit("bench: the plugin made %d hosts of %d services" % (len(hosts), services))
    (tmp / "inventory.json").write_text(listed)
    script = tmp / "baseline_inventory.sh"
    script.write_text("#!/bin/sh\nexec cat %s\n" % (tmp / "inventory.json"))
    script.chmod(0o755)
    # The warm side reads a cache that one run filled; it must never be refreshed by a timed run.
    subprocess.run(["ansible-inventory", "-i", str(tmp / "warm.infer_services.yml"), "--list", "--output",
                    str(tmp / "warm.json")], env=env, cwd=str(tmp), check=True, capture_output=True)
    if json.loads((tmp / "warm.json").read_text()) != inventory:
        raise SystemExit("bench: the cached inventory differs from the fresh one")
    sides = [
        Side("script inventory printing the same JSON", ["ansible-inventory", "-i", str(script), "--list"], env),
        Side("plugin, cold (cache off)", ["ansible-inventory", "-i", str(tmp / "cold.infer_services.yml"),
                                          "--list"], env),
        Side("plugin, warm cache", ["ansible-inventory", "-i", str(tmp / "warm.infer_services.yml"), "--list"], env),
    ]
    interleave(sides, simulator, tmp, runs)
    if sides[2].counters["list"] or sides[2].counters["token"]:
        raise SystemExit("bench: the warm cache still asked the API: %s" % sides[2].counters)
    report.case("2. inventory of %d services in one project (%d runs)" % (services, runs))
    report.side(sides[0])
    report.side(sides[1], sides[0], 1.0)
    report.side(sides[2], sides[0], 1.1)
    report.side(sides[0], memory=True)
    report.side(sides[1], sides[0], 1.25, memory=True)


def many_projects_data(count):
    """The sample with ``count`` projects in the demo domain, each a copy of cn-north-4's workspace 0."""
    data = copy.deepcopy(SAMPLE)
    template = next(p for p in data["projects"] if p["id"] == PROJECT_ID)
    data["projects"] = [p for p in data["projects"] if p["domain"] != template["domain"]]
    kept = set(p["id"] for p in data["projects"])
    data["auth_tokens"] = [t for t in data["auth_tokens"] if t["project_id"] in kept]
    for index in range(count):
        project = copy.deepcopy(template)
        project["id"] = "%032x" % (0xbe7c0000 + index)
        project["name"] = "cn-north-4_bench%d" % index
        project["workspaces"] = {"0": [dict(s, service_id="%s-%d" % (s["service_id"][:-2], index))
                                       for s in template["workspaces"]["0"]]}
        data["projects"].append(project)
    return data


def one_project_vs_many(tmp_path, report, runs, count, latency, title, side_for):
    """Time ``side_for(ansible, label, projects, expected)`` on one project and on ``count``; target ratio 1.5.

    ``latency`` seconds are added to every request; ``expected`` is how many services the side must find.
    """
    data = many_projects_data(count)
    ids = [p["id"] for p in data["projects"] if p["name"].startswith("cn-north-4_bench")]
    per_project = len(data["projects"][-1]["workspaces"]["0"])
    with ResSimulator(data=data, latency=latency) as simulator:
        ansible = Ansible(simulator, tmp_path)
        sides = [side_for(ansible, label, projects, len(projects) * per_project)
                 for label, projects in (("1 project", ids[:1]), ("%d projects" % count, ids))]
        interleave(sides, simulator, tmp_path, runs)
    report.case("%s vs 1, %.0f ms per request (%d runs)" % (title, latency * 1000, runs))
    report.side(sides[0])
    report.side(sides[1], sides[0], 1.5)


def case_many_projects(tmp_path, report, runs, count=8, latency=0.2):
    """3. The inventory of ``count`` projects against one."""
    def inventory_side(ansible, label, projects, expected):
        path = tmp_path / ("p%d.infer_services.yml" % len(projects))
        path.write_text("plugin: hwc.res.infer_services\nprojects: %s\n" % json.dumps(projects))
        env = timing_env(ansible)
        hosts = json.loads(subprocess.run(["ansible-inventory", "-i", str(path), "--list"], env=env,
                                          cwd=str(tmp_path), capture_output=True, text=True,
                                          check=True).stdout)["_meta"]["hostvars"]
        if len(hosts) != expected:
            raise SystemExit("bench: %d hosts for %s, expected %d" % (len(hosts), label, expected))
        return Side("%s, password auth" % label, ["ansible-inventory", "-i", str(path), "--list"], env)
    one_project_vs_many(tmp_path, report, runs, count, latency, "3. inventory of %d projects" % count,
                        inventory_side)


ROLE_PLAY = """- name: Compliance of the bench projects
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Check them
      ansible.builtin.include_role:
        name: hwc.res.infer_service_compliance
      vars:
        infer_service_compliance_project_ids: %s
        infer_service_compliance_fail_on_violation: false
"""


def case_compliance_over_projects(tmp_path, report, runs, count=16, latency=0.2):
    """4. The compliance role over ``count`` projects against one."""
    def role_side(ansible, label, projects, expected):
        playbook = tmp_path / ("role_p%d.yml" % len(projects))
        playbook.write_text(ROLE_PLAY % json.dumps(projects))
        run = ansible.playbook(playbook)
        checked = run.task("Check the services against the policy")["result"]["ansible_facts"][
            "infer_service_compliance"]["checked"] if run.rc == 0 else None
        if checked != expected:
            raise SystemExit("bench: the role checked %s services for %s, expected %d\n%r" % (
                checked, label, expected, run))
        return Side("role, %s, password auth" % label, ["ansible-playbook", str(playbook)], timing_env(ansible))
    one_project_vs_many(tmp_path, report, runs, count, latency, "4. compliance role over %d projects" % count,
                        role_side)


DETAILS_PLAY = """- name: Services of the bench workspace
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Read them
      hwc.res.infer_service_info:
        workspace_id: %s
        details: %s
      register: res
"""


def case_details(tmp_path, report, runs, services=20, latency=0.2):
    """5. The module with details of ``services`` services against without, ``latency`` seconds per request."""
    with ResSimulator(latency=latency) as simulator:
        simulator.generate_services(PROJECT_ID, services, workspace_id=BENCH_WORKSPACE)
        ansible = Ansible(simulator, tmp_path)
        sides = []
        for details in (False, True):
            playbook = tmp_path / ("details_%s.yml" % str(details).lower())
            playbook.write_text(DETAILS_PLAY % (BENCH_WORKSPACE, str(details).lower()))
            run = ansible.playbook(playbook)
            read = run.task("Read them")["result"].get("services", []) if run.rc == 0 else []
            if len(read) != services or any(("access_address" in s) is not details for s in read):
                raise SystemExit("bench: %s did not read %d services as asked\n%r" % (playbook.name, services, run))
            sides.append(Side("module, %d services, details %s" % (services, "on" if details else "off"),
                              ["ansible-playbook", str(playbook)], timing_env(ansible)))
        interleave(sides, simulator, tmp_path, runs)
    report.case("5. module with details of %d services vs without, %.0f ms per request (%d runs)" % (
        services, latency * 1000, runs))
    report.side(sides[0])
    report.side(sides[1], sides[0], 2.0)


def case_shared_host_names(ansible, simulator, report, runs, services):
    """6. N services that share one hostnames value against N with unique ones: naming must stay linear."""
    workspace = "bench-naming"
    simulator.generate_services(PROJECT_ID, services, workspace_id=workspace)
    tmp = ansible.tmp_path
    env = timing_env(ansible)
    sides = []
    # Every generated service has infer_type real-time: each host is then named real-time_<service_id>.
    for label, hostnames in (("unique names (hostnames: [service_id])", "service_id"),
                             ("one shared name (hostnames: [infer_type])", "infer_type")):
        path = tmp / ("%s.infer_services.yml" % hostnames)
        path.write_text("plugin: hwc.res.infer_services\nworkspace_id: %s\nhostnames: [%s]\n" % (workspace, hostnames))
        hosts = json.loads(subprocess.run(["ansible-inventory", "-i", str(path), "--list"], env=env, cwd=str(tmp),
                                          capture_output=True, text=True, check=True).stdout)["_meta"]["hostvars"]
        if len(hosts) != services:
            raise SystemExit("bench: %d hosts for %s, expected %d" % (len(hosts), label, services))
        sides.append(Side(label, ["ansible-inventory", "-i", str(path), "--list"], env))
    interleave(sides, simulator, tmp, runs)
    report.case("6. host names of %d services in one project (%d runs)" % (services, runs))
    report.side(sides[0])
    report.side(sides[1], sides[0], 1.25)


CASES = ("module", "inventory", "projects", "compliance", "details", "naming")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each side (default 5)")
    parser.add_argument("--case", action="append", choices=CASES, help="run only these cases")
    parser.add_argument("--services", type=int, default=10000, help="services of the scale case (10000)")
    parser.add_argument("--naming-services", type=int, default=20000,
                        help="services of the host naming case (20000)")
    args = parser.parse_args(argv)
    cases = args.case or CASES
    for tool in ("ansible-playbook", "ansible-inventory"):
        if not shutil.which(tool):
            raise SystemExit("bench: %s is not on PATH; run it through `make bench`" % tool)
    report = Report()
    with tempfile.TemporaryDirectory(prefix="hwc-res-bench-") as scratch:
        scratch = Path(scratch)
        with ResSimulator() as simulator:
            ansible = Ansible(simulator, scratch / "sample")
            if "module" in cases:
                case_module_vs_uri(ansible, simulator, report, args.runs)
            if "inventory" in cases:
                case_inventory_at_scale(ansible, simulator, report, args.runs, args.services)
            if "naming" in cases:
                case_shared_host_names(ansible, simulator, report, args.runs, args.naming_services)
        if "projects" in cases:
            (scratch / "projects").mkdir()
            case_many_projects(scratch / "projects", report, args.runs)
        if "compliance" in cases:
            (scratch / "compliance").mkdir()
            case_compliance_over_projects(scratch / "compliance", report, args.runs)
        if "details" in cases:
            (scratch / "details").mkdir()
            case_details(scratch / "details", report, args.runs)
    report.print()
    return 1 if report.missed else 0


if __name__ == "__main__":
    sys.exit(main())
