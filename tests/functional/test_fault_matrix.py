# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every fault of the API against the module, the lookup and the inventory, at default verbosity and at -vvvv.

Each case ends either in success after the right number of requests (the
simulator's counters prove it) or in a clear failure naming the HTTP status and
the API's code, without a traceback, in bounded time. The credentials are
distinctive strings, set both as options and in the environment, and none of
them may appear in anything a run prints or returns.
"""

import copy
import json
import signal
import socket
import subprocess
import sys
import time
from collections import namedtuple

import pytest

from harness import BIN, PROJECT_ID, SAMPLE, ResSimulator
from res_simulator import ECHO_ENCODINGS

PASSWORD = "Pw-3c9e1f-must-never-show"
SECRET_KEY = "Sk-7a2d4b-must-never-show-000000000000"
TEMPORARY_SECRET_KEY = "Sk-9e5c1a-temporary-must-never-show-000"
SECURITY_TOKEN = "St-4f8b2e-must-never-show"
AUTH_TOKEN = "Tk-6d1a9c-must-never-show"
EXPIRED_AUTH_TOKEN = "Tk-0b7e3f-expired-must-never-show"
WRONG_SECRET_KEY = "Sk-1c6f8d-wrong-must-never-show-0000000"
# A token wrapped over two lines in a vars file, and the password of an endpoint's user info.
WRAPPED_AUTH_TOKEN = ("Tk-2e8d5a-wrapped-must-never-show", "Part2-8c4f1b-must-never-show")
URL_PASSWORD = "Url-5b3e7d-must-never-show"
SECRETS = (PASSWORD, SECRET_KEY, TEMPORARY_SECRET_KEY, SECURITY_TOKEN, AUTH_TOKEN, EXPIRED_AUTH_TOKEN,
           WRONG_SECRET_KEY, URL_PASSWORD) + WRAPPED_AUTH_TOKEN
# Every token the simulator issues starts so; none may show either.
ISSUED_TOKEN_PREFIX = "MIISsim"

DEMO = SAMPLE["domains"][0]
# Secret options and the environment variables that carry the same value.
AUTH = {
    "password": {"user": (DEMO["users"][0]["name"], "HW_USER_NAME"), "password": (PASSWORD, "HW_USER_PASSWORD"),
                 "domain": (DEMO["name"], "HW_DOMAIN_NAME")},
    "temporary": {"access_key": (DEMO["access_keys"][1]["access"], "HW_ACCESS_KEY"),
                  "secret_key": (TEMPORARY_SECRET_KEY, "HW_SECRET_KEY"),
                  "security_token": (SECURITY_TOKEN, "HW_SECURITY_TOKEN")},
    "token": {"auth_token": (AUTH_TOKEN, "HW_AUTH_TOKEN")},
    "expired_token": {"auth_token": (EXPIRED_AUTH_TOKEN, "HW_AUTH_TOKEN")},
    "wrapped_token": {"auth_token": ("\n".join(WRAPPED_AUTH_TOKEN), "HW_AUTH_TOKEN")},
    "wrong_aksk": {"access_key": (DEMO["access_keys"][0]["access"], "HW_ACCESS_KEY"),
                   "secret_key": (WRONG_SECRET_KEY, "HW_SECRET_KEY")},
    "aksk": {"access_key": (DEMO["access_keys"][0]["access"], "HW_ACCESS_KEY"),
             "secret_key": (SECRET_KEY, "HW_SECRET_KEY")},
}
SERVICES = next(p for p in SAMPLE["projects"] if p["id"] == PROJECT_ID)["workspaces"]["0"]


def secret_data():
    """The sample, with the distinctive secrets above as its credentials."""
    data = copy.deepcopy(SAMPLE)
    domain = data["domains"][0]
    domain["users"][0]["password"] = PASSWORD
    domain["access_keys"][0]["secret"] = SECRET_KEY
    domain["access_keys"][1].update(secret=TEMPORARY_SECRET_KEY, security_token=SECURITY_TOKEN)
    data["auth_tokens"] = [
        {"token": AUTH_TOKEN, "project_id": PROJECT_ID, "expires_at": "2099-01-01T00:00:00.000000Z"},
        {"token": EXPIRED_AUTH_TOKEN, "project_id": PROJECT_ID, "expires_at": "2020-01-01T00:00:00.000000Z"},
    ]
    return data


def closed_port_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return "http://127.0.0.1:%d" % probe.getsockname()[1]


def listing(*services):
    return {"is_success": True, "services": list(services)}


ODD_SERVICES = listing(
    dict(SERVICES[0], service_id="00000000-0000-4000-8000-00000000000a", service_name="res-odd-status",
         status="failed", gpu_count=2, labels={"tier": "gold"}),
    dict(SERVICES[1], service_id="00000000-0000-4000-8000-00000000000b", service_name="res-odd-counters",
         invocation_times="n/a", failed_times="12"),
    dict(SERVICES[2], service_id="00000000-0000-4000-8000-00000000000c", service_name=u"推荐-排序-服务 ✓",
         description=u"Ünïcödé"),
    dict(SERVICES[3], service_id="00000000-0000-4000-8000-00000000000d",
         service_name="{{ lookup('ansible.builtin.pipe', 'id') }}", description="{% raw %}x{% endraw %}"),
)


Case = namedtuple("Case", "auth setup env succeeds fragments counters check options absent adapters")


def case(auth="password", setup=None, env=None, succeeds=False, fragments=(), counters=None, check=None,
         options=None, absent=(), adapters=("module", "lookup", "inventory")):
    """``options`` are set on top of TRANSPORT; ``absent`` are texts no output or result may hold;
    ``check(outcome)`` looks closer at what a run gave; ``adapters`` are those the case applies to."""
    return Case(auth, setup, env or {}, succeeds, fragments, counters or {}, check, options or {}, absent, adapters)


def check_odd_services(outcome):
    output = outcome.output
    by_name = dict((s["service_name"], s) for s in outcome.services)
    assert by_name["res-odd-status"]["status"] == "failed"
    assert by_name["res-odd-status"]["gpu_count"] == 2 and by_name["res-odd-status"]["labels"] == {"tier": "gold"}
    assert by_name["res-odd-counters"]["invocation_times"] is None
    assert by_name["res-odd-counters"]["failure_rate"] is None
    assert "invocation_times 'n/a' is not a whole number" in output
    assert by_name[u"推荐-排序-服务 ✓"]["description"] == u"Ünïcödé"
    templated = by_name["{{ lookup('ansible.builtin.pipe', 'id') }}"]
    assert templated["description"] == "{% raw %}x{% endraw %}"
    assert "uid=" not in output


CASES = {
    "500": case(setup=lambda sim: sim.add_fault("list", "http_error", times=None, status=500),
                fragments=["HTTP 500", "res.5000"], counters={"list": 3}),
    "502-html": case(setup=lambda sim: sim.add_fault("list", "http_error", times=None, status=502, body_kind="html"),
                     fragments=["HTTP 502", "not a JSON object", "502 Bad Gateway"], counters={"list": 3}),
    "503-then-success": case(setup=lambda sim: sim.add_fault("list", "http_error", times=1, status=503),
                             succeeds=True, counters={"list": 2, "token": 1}),
    "429-retry-after-then-success": case(
        setup=lambda sim: sim.add_fault("list", "http_error", times=1, status=429, body_kind="gateway",
                                        retry_after=1),
        succeeds=True, counters={"list": 2}),
    "connection-refused": case(env={"HW_RES_ENDPOINT": closed_port_url}, fragments=["could not connect after 2 retries"],
                               counters={"list": 0}),
    "latency-beyond-timeout": case(setup=lambda sim: sim.add_fault("list", "latency", times=None, seconds=2.5),
                                   fragments=["got no answer within 1 seconds after 2 retries"], counters={"list": 3}),
    "truncated-json": case(setup=lambda sim: sim.add_fault("list", "broken_json", times=None),
                           fragments=["HTTP 200", "not a JSON object"], counters={"list": 1}),
    "is-success-false": case(
        setup=lambda sim: sim.add_fault("list", "not_success", times=None, error_code="res.1001",
                                        error_msg="Invalid parameter."),
        fragments=["HTTP 200", "res.1001: Invalid parameter."], counters={"list": 1}),
    "missing-services": case(setup=lambda sim: sim.add_fault("list", "missing_services", times=None),
                             fragments=["no services key"], counters={"list": 1}),
    "expired-password-token-renewed": case(setup=lambda sim: sim.add_fault("list", "expire_token", times=1),
                                           succeeds=True, counters={"token": 2, "list": 2}),
    "expired-pre-issued-token": case(auth="expired_token", fragments=["HTTP 401", "APIGW.0301", "token expires"],
                                     counters={"token": 0, "list": 1}),
    "wrong-aksk": case(auth="wrong_aksk", fragments=["HTTP 401", "APIGW.0301", "verify aksk signature fail"],
                       counters={"list": 1}),
    "stale-sdk-date": case(auth="aksk", setup=lambda sim: setattr(sim, "clock_skew", 3600),
                           fragments=["HTTP 401", "APIGW.0301", "more than 15 minutes off"], counters={"list": 1}),
    "temporary-aksk": case(auth="temporary", succeeds=True, counters={"list": 1, "token": 0}),
    "pre-issued-token": case(auth="token", succeeds=True, counters={"list": 1, "token": 0}),
    "odd-services": case(setup=lambda sim: sim.add_fault("list", "raw", times=None, status=200, body=ODD_SERVICES),
                         succeeds=True, counters={"list": 1}, check=check_odd_services),
}
# -- Hardening of the client: secrets, hostile answers, limits (issue 9, client and transport) -------------
ECHO_MESSAGE = "\x1b[31mBad request.\x07"


def check_nan_is_null(outcome):
    assert [service["score"] for service in outcome.services if "score" in service] == [None]


CASES.update({
    # A gateway quoting the IAM request prints the password; its ESC and BEL must not reach the terminal.
    "echo-password-and-control-characters": case(
        setup=lambda sim: sim.add_fault("token", "echo", times=None, status=400, error_msg=ECHO_MESSAGE),
        fragments=["HTTP 400", "APIGW.0201: \\x1b[31mBad request.\\x07", '"password": "<redacted>"'],
        counters={"token": 1, "list": 0}, absent=["\x1b", "\x07"]),
    # A 401 quoting X-Auth-Token: the token IAM issued during the run is no no_log value, yet never shows.
    "echo-issued-token": case(
        setup=lambda sim: sim.add_fault("list", "echo", times=None, status=401),
        fragments=["HTTP 401", "X-Auth-Token: <redacted>"], counters={"token": 1, "list": 1}),
    "wrapped-token": case(auth="wrapped_token",
                          fragments=["auth_token (HW_AUTH_TOKEN) holds a line break"], counters={"list": 0}),
    "endpoint-with-userinfo": case(
        env={"HW_RES_ENDPOINT": "http://admin:%s@127.0.0.1:9" % URL_PASSWORD},
        fragments=["endpoint (HW_RES_ENDPOINT) must not carry a user name or password", "got http://127.0.0.1:9"],
        counters={"token": 0, "list": 0}),
    # The module echoes its arguments (-vvv, and the failed job event AWX stores): the projects option too.
    "projects-endpoint-with-userinfo": case(
        options={"projects": [{"project_id": PROJECT_ID, "endpoint": "http://admin:%s@127.0.0.1:9" % URL_PASSWORD}]},
        fragments=["projects[0].endpoint must not carry a user name or password", "got http://127.0.0.1:9"],
        counters={"token": 0, "list": 0}),
    "huge-timeout": case(options={"timeout": 10 ** 12}, fragments=["timeout must be from 1 to 3600"],
                         counters={"token": 0}),
    "redirect-with-a-service-list": case(
        setup=lambda sim: sim.add_fault("list", "raw", times=None, status=302, body=listing(*SERVICES),
                                        headers={"Location": "https://res.example.com/moved"}),
        fragments=["redirected with HTTP 302 to https://res.example.com/moved"], counters={"list": 1}),
    "code-message-error-shape": case(
        setup=lambda sim: sim.add_fault("list", "raw", times=None, status=403, body={
            "code": "RES.4002", "message": "Workspace denied.", "encoded_authorization_message": "EncAuth-7c1e"}),
        fragments=["HTTP 403", "RES.4002: Workspace denied", "Encoded authorization message", "EncAuth-7c1e"],
        counters={"list": 1}),
    "drip-body": case(setup=lambda sim: sim.add_fault("list", "drip", times=None, seconds_per_byte=0.5),
                      fragments=["sent no complete answer within 1 seconds"], counters={"list": 1}),
    "gzip-bomb": case(setup=lambda sim: sim.add_fault("list", "gzip_bomb", times=None, decoded_mib=150),
                      fragments=["larger than 100 MiB once decompressed"], counters={"list": 1}),
    "endless-chunked-body": case(setup=lambda sim: sim.add_fault("list", "endless_chunked", times=None, interval=0.05),
                                 fragments=["sent no complete answer within 1 seconds"], counters={"list": 1}),
    "json-too-deep": case(setup=lambda sim: sim.add_fault("list", "raw", times=None, body="[" * 100000),
                          fragments=["JSON body nested too deeply to parse"], counters={"list": 1}),
    # NaN is no JSON: ansible-inventory --list would print it and break whoever reads the inventory.
    "nan-field": case(setup=lambda sim: sim.add_fault("list", "raw", times=None, body=json.dumps(
        listing(dict(SERVICES[0], score=float("nan")), *SERVICES[1:]))), succeeds=True, counters={"list": 1},
        check=check_nan_is_null, absent=["NaN"]),
})


MATRIX_CASES = ("503-then-success", "is-success-false")


def options_of(auth):
    return dict((name, value) for name, (value, _variable) in AUTH[auth].items())


def environment_of(auth, extra):
    env = dict((variable, value) for _name, (value, variable) in AUTH[auth].items())
    for variable in ("HW_USER_NAME", "HW_USER_PASSWORD", "HW_DOMAIN_NAME", "HW_ACCESS_KEY", "HW_SECRET_KEY",
                     "HW_SECURITY_TOKEN", "HW_AUTH_TOKEN"):
        env.setdefault(variable, None)
    env.update((key, value() if callable(value) else value) for key, value in extra.items())
    return env


def unsafe_free(value):
    """ansible-inventory --list writes unsafe text as {"__ansible_unsafe": text}; take the text."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return dict((key, unsafe_free(item)) for key, item in value.items())
    if isinstance(value, list):
        return [unsafe_free(item) for item in value]
    return value


Outcome = namedtuple("Outcome", "succeeded services message output returned")
TRANSPORT = {"timeout": 1, "retries": 2}


def run_module(ansible, auth, env, args, extra_options=None):
    options = dict(TRANSPORT, **dict(options_of(auth), **(extra_options or {})))
    play = ("- name: Fault matrix\n  hosts: localhost\n  gather_facts: false\n  tasks:\n"
            "    - name: Adapter\n      hwc.res.infer_service_info: %s\n" % json.dumps(options))
    run = ansible.playbook(play, auth=None, env=env, args=args)
    result = run.task("Adapter")["result"]
    return Outcome(run.rc == 0, result.get("services"), result.get("msg", ""), run.output, json.dumps(run.results))


def run_lookup(ansible, auth, env, args, extra_options=None):
    # Secrets reach a lookup through a vars file, as vaulted ones do: Ansible quotes the failing
    # task and the lines around it in its error, and a literal written there is the playbook's own text.
    options = dict(TRANSPORT, **dict(options_of(auth), **(extra_options or {})))
    keywords = ", ".join("%s=fault_%s" % (name, name) for name in sorted(options))
    variables = ansible.tmp_path / "secrets.yml"
    variables.write_text(json.dumps(dict(("fault_" + name, value) for name, value in options.items())))
    play = ("- name: Fault matrix\n  hosts: localhost\n  gather_facts: false\n  vars_files: [%s]\n  tasks:\n"
            "    - name: Adapter\n      ansible.builtin.set_fact:\n"
            "        found: \"{{ query('hwc.res.infer_services', %s) }}\"\n" % (variables, keywords))
    run = ansible.playbook(play, auth=None, env=env, args=args)
    result = run.task("Adapter")["result"]
    services = result.get("ansible_facts", {}).get("found")
    return Outcome(run.rc == 0, services, result.get("msg", ""), run.output, json.dumps(run.results))


def run_inventory(ansible, auth, env, args, extra_options=None):
    config = dict(TRANSPORT, plugin="hwc.res.infer_services", **dict(options_of(auth), **(extra_options or {})))
    env = dict(env, ANSIBLE_INVENTORY_UNPARSED_FAILED="true")
    # At -vvvv ansible-core prints its own diagnostics on stdout too: read the inventory from a file.
    listing_file = ansible.tmp_path / "listed.json"
    run = ansible.inventory(json.dumps(config), auth=None, env=env,
                            args=["--list", "--output", str(listing_file)] + list(args))
    services, listed = None, ""
    if run.rc == 0:
        listed = listing_file.read_text()
        services = [unsafe_free(host_vars) for host_vars in json.loads(listed)["_meta"]["hostvars"].values()]
    return Outcome(run.rc == 0, services, run.stderr, run.output, listed)


RUNNERS = {"module": run_module, "lookup": run_lookup, "inventory": run_inventory}


@pytest.fixture
def simulator():
    with ResSimulator(data=secret_data()) as sim:
        yield sim


# ---- Data and names the API sends: values and names that must not break a run ---------------------------------
# Cases of this block run like the ones above, some with adapter options or on some adapters only.

def nested_list(levels):
    value = "bottom"
    for _level in range(levels):
        value = [value]
    return value


def without_blanks(text):
    return "".join(text.split())


def unwrapped(output):
    """The output with its lines joined: ansible-core before 2.19 wraps warnings at the terminal width."""
    return " ".join(output.split())


SURROGATE_NAME = u"res-hostile-\ud800"
HOSTILE_SERVICES = listing(
    dict(SERVICES[0], service_id="00000000-0000-4000-8000-0000000000e1", service_name="res-hostile-digits",
         invocation_times=10 ** 400, failed_times="4" * 5000),
    dict(SERVICES[1], service_id="00000000-0000-4000-8000-0000000000e2", service_name="res-hostile-deep",
         description=nested_list(900), failed_times="-3", gpu_ratio=float("nan"), latency=[1.5, float("inf")]),
    dict(SERVICES[2], service_id="00000000-0000-4000-8000-0000000000e3", service_name=SURROGATE_NAME,
         is_shared="true"),
)


def check_hostile_values(outcome):
    output = outcome.output
    by_name = dict((s["service_name"], s) for s in outcome.services)
    digits, deep = by_name["res-hostile-digits"], by_name["res-hostile-deep"]
    assert digits["invocation_times"] is None and digits["failed_times"] is None and digits["failure_rate"] is None
    assert deep["description"] is None and deep["failed_times"] is None
    assert deep["gpu_ratio"] is None and deep["latency"] == [1.5, None]
    assert by_name[u"res-hostile-\ufffd"]["is_shared"] is True
    warnings = unwrapped(output)
    for fragment in ("is too large to be a count", "is negative", "nested more than 32 levels deep",
                     "has a lone surrogate", "is_shared 'true' is text"):
        assert fragment in warnings, fragment
    assert "NaN" not in output and "Infinity" not in output


CASES.update({
    "hostile-values": case(setup=lambda sim: sim.add_fault("list", "raw", times=None, status=200,
                                                           body=HOSTILE_SERVICES),
                           succeeds=True, counters={"list": 1}, check=check_hostile_values),
})

RESERVED_NAMES = ("all", "ungrouped", "localhost", "infer_services", "status_running", "project_x", "type_batch")


def check_reserved_names(outcome):
    hostvars = json.loads(outcome.returned)["_meta"]["hostvars"]
    assert "localhost" not in hostvars and not set(RESERVED_NAMES) & set(hostvars)
    for index, name in enumerate(RESERVED_NAMES):
        assert unsafe_free(hostvars["%s_sid-%d" % (name, index)])["with_dash"] == index
    assert unwrapped(outcome.output).count("which is not a valid variable name") == 1
    assert unwrapped(outcome.output).count("a name kept for localhost or a group") == len(RESERVED_NAMES)


def check_status_filter(outcome):
    stopped = sorted(s["service_name"] for s in SERVICES if s["status"] == "stopped")
    assert sorted(s["service_name"] for s in outcome.services) == stopped
    assert "status 'gone' is not a documented status" in unwrapped(outcome.output)


CASES.update({
    "reserved-host-names": case(
        adapters=("inventory",), options={"keyed_groups": [{"key": "infer_type", "prefix": "type"}]},
        setup=lambda sim: sim.add_fault("list", "raw", times=None, status=200, body=listing(*[
            dict(SERVICES[0], service_id="sid-%d" % index, service_name=name, infer_type="batch", **{"with-dash": index})
            for index, name in enumerate(RESERVED_NAMES)])),
        succeeds=True, check=check_reserved_names),
    "status-in-other-case-or-undocumented": case(options={"status": ["STOPPED", "gone"]}, succeeds=True,
                                                 check=check_status_filter),
    "unknown-lookup-option": case(adapters=("lookup",), options={"staus": "stopped"},
                                  fragments=["unknown option staus. Valid options:", "status"], counters={"list": 0}),
})


# -- Server text that echoes a secret somewhere else than in an error body ------------------------------------
def check_echoed_counters(outcome):
    by_name = dict((s["service_name"], s) for s in outcome.services)
    assert by_name["res-echo"]["invocation_times"] is None and by_name["res-echo"]["failed_times"] is None
    assert "invocation_times '<redacted>' is not a whole number" in unwrapped(outcome.output)


def check_service_listed_twice(outcome):
    assert sorted(s["service_name"] for s in outcome.services) == sorted(s["service_name"] for s in SERVICES)
    assert "RES listed service %s (%s) of project %s more than once" % (
        SERVICES[0]["service_name"], SERVICES[0]["service_id"], PROJECT_ID) in unwrapped(outcome.output)


def check_details_too_deep(outcome):
    assert [(s["service_name"], s["flows"]) for s in outcome.services] == [("res-rank-prod", None)]
    assert "flows is nested more than 32 levels deep" in unwrapped(outcome.output)


CASES.update({
    # A reason phrase is server text like any other: a gateway may put the token it refuses there.
    "reason-phrase-echoes-the-token": case(
        auth="token", setup=lambda sim: sim.add_fault("list", "raw", times=None, status=401,
                                                      reason="Unauthorized " + AUTH_TOKEN,
                                                      body={"error_code": "APIGW.0301", "error_msg": "Denied."}),
        fragments=["HTTP 401 Unauthorized <redacted>: APIGW.0301: Denied."], counters={"list": 1}),
    # Warnings and errors about odd values quote them: the values may be echoed secrets.
    "counters-echo-secrets": case(
        setup=lambda sim: sim.add_fault("list", "raw", times=None, status=200, body=listing(
            dict(SERVICES[0], service_name="res-echo", invocation_times=PASSWORD, failed_times=PASSWORD + "/x"))),
        succeeds=True, counters={"list": 1}, check=check_echoed_counters),
    "entry-echoes-the-password": case(
        setup=lambda sim: sim.add_fault("list", "raw", times=None, status=200, body=listing("pw=" + PASSWORD)),
        fragments=["RES sent a service entry that is not an object: 'pw=<redacted>'"], counters={"list": 1}),

    # The details endpoint is API data like the list: too deep to return, or another service's.
    "details-too-deep": case(
        adapters=("module", "lookup"), options={"details": True, "name": ["res-rank-prod"]},
        setup=lambda sim: sim.add_fault("details", "raw", times=None, status=200, body={
            "is_success": True, "service": {"access_address": "https://res.example.com/x", "flows": nested_list(900)}}),
        succeeds=True, counters={"details": 1}, check=check_details_too_deep),
    "details-of-another-service": case(
        adapters=("module", "lookup"), options={"details": True, "name": ["res-rank-prod"]},
        setup=lambda sim: sim.add_fault("details", "raw", times=None, status=200, body={
            "is_success": True, "service": {"service_id": "another", "access_address": "https://res.example.com/x"}}),
        fragments=["with those of another service, another"], counters={"details": 1}),
    # One service listed twice must not cost the inventory every other service.
    "service-listed-twice": case(
        adapters=("inventory",), setup=lambda sim: sim.add_fault("list", "raw", times=None, status=200,
                                                                 body=listing(SERVICES[0], *SERVICES)),
        succeeds=True, check=check_service_listed_twice),
    # password=creds for password=creds.password: ansible-core's type error would quote every secret of creds.
    "secret-option-given-a-dict": case(
        adapters=("lookup", "inventory"), options={"password": {"user": "demo-user", "password": PASSWORD}},
        fragments=["password (HW_USER_PASSWORD) must be a string, got a dict; its value is not shown"],
        counters={"token": 0}),
    "secret-option-given-a-list": case(
        adapters=("lookup", "inventory"), auth="token", options={"auth_token": [AUTH_TOKEN]},
        fragments=["auth_token (HW_AUTH_TOKEN) must be a string, got a list"], counters={"list": 0}),
})


# -- Host names and field names that Ansible or AWX would misread (inventory) --------------------------------
MISREAD_NAMES = ("{{ lookup('ansible.builtin.pipe', 'id') }}", "res:8080", " res-padded ", "res-\x1b[2Jclear")


def check_misread_names(outcome):
    hostvars = dict((name, unsafe_free(variables))
                    for name, variables in json.loads(outcome.returned)["_meta"]["hostvars"].items())
    assert sorted(hostvars) == ["service_sid-m%d" % index for index in range(len(MISREAD_NAMES))]
    assert [hostvars["service_sid-m%d" % index]["service_name"] for index in range(len(MISREAD_NAMES))] == list(
        MISREAD_NAMES)
    assert (hostvars["service_sid-m0"]["omit_"], hostvars["service_sid-m0"]["lookup_"]) == ("api-omit", "api-lookup")
    warnings = unwrapped(outcome.output)
    assert warnings.count("which could be a template or be misread by AWX") == len(MISREAD_NAMES)
    assert warnings.count("RES sent fields named like variables or functions of Ansible") == 1
    assert "uid=" not in outcome.output and "\x1b" not in outcome.output


CASES.update({
    "names-ansible-or-awx-would-misread": case(
        adapters=("inventory",), setup=lambda sim: sim.add_fault("list", "raw", times=None, status=200, body=listing(*[
            dict(SERVICES[0], service_id="sid-m%d" % index, service_name=name, omit="api-omit", lookup="api-lookup")
            for index, name in enumerate(MISREAD_NAMES)])),
        succeeds=True, check=check_misread_names),
})


# -- Echoed secrets in other encodings: URL, form and XML encodings, double-encoded, hyphens only -------------
# A password with characters each encoder writes its own way (json.dumps in the request body writes é as \u00e9).
ODD_PASSWORD = u"Pw~(x) *-8d3f0b!'\u00e9-must-never-show"
AUTH["odd_password"] = dict(AUTH["password"], password=(ODD_PASSWORD, "HW_USER_PASSWORD"))
PASSWORD_ENCODINGS = ("java_url", "uri_component", "xml_decimal", "xml_hex", "double_percent")
DEEPLY_ENCODED_PASSWORD = "password=" + PASSWORD.replace("-", "%2D")
for _level in range(8):
    DEEPLY_ENCODED_PASSWORD = ECHO_ENCODINGS["uri_component"](DEEPLY_ENCODED_PASSWORD)


def echoed_password(encoding):
    """The password's field of the IAM request as the echo fault writes it in ``encoding``: cut out, and whole."""
    body_text = json.dumps({"password": ODD_PASSWORD})[1:-1]  # "password": "Pw~(x) *-8d3f0b!'\u00e9-..."
    before, _password, after = body_text.partition(json.dumps(ODD_PASSWORD)[1:-1])
    encode = ECHO_ENCODINGS[encoding]
    return encode(before) + "<redacted>" + encode(after), encode(body_text)


CASES.update({
    "echo-password-in-other-encodings": case(
        auth="odd_password", setup=lambda sim: sim.add_fault("token", "echo", times=None, status=400,
                                                             encodings=list(PASSWORD_ENCODINGS)),
        fragments=["HTTP 400", "APIGW.0201"] + [echoed_password(encoding)[0] for encoding in PASSWORD_ENCODINGS],
        counters={"token": 1, "list": 0},
        absent=[ODD_PASSWORD] + [echoed_password(encoding)[1] for encoding in PASSWORD_ENCODINGS]),
    # A logger that writes the hyphens of a token as %2D (and nothing else).
    "echo-token-with-hyphens-encoded": case(
        auth="token", setup=lambda sim: sim.add_fault("list", "echo", times=None, status=401, encodings=["hyphens"]),
        fragments=["HTTP 401", "X%2DAuth%2DToken: <redacted>;"], counters={"list": 1},
        absent=[AUTH_TOKEN.replace("-", "%2D")]),
    # Encoded nine times over: too deep to search, so the API's text is withheld, and the message says so.
    "error-text-encoded-too-deep": case(
        setup=lambda sim: sim.add_fault("list", "raw", times=None, status=400, body={
            "error_code": "APIGW.0201", "error_msg": DEEPLY_ENCODED_PASSWORD}),
        fragments=["HTTP 400", "APIGW.0201: (the server's text is withheld: it may hold a secret in an encoded form)"],
        counters={"list": 1}, absent=[DEEPLY_ENCODED_PASSWORD]),
})


PARAMETERS = [
    pytest.param(name, adapter, verbosity, id="%s-%s-%s" % (name, adapter, verbosity),
                 marks=[pytest.mark.matrix] if name in MATRIX_CASES and verbosity == "default" else [])
    for name in CASES for adapter in CASES[name].adapters for verbosity in ("default", "-vvvv")
]


@pytest.mark.parametrize("name, adapter, verbosity", PARAMETERS)
def test_fault(ansible, simulator, name, adapter, verbosity):
    fault = CASES[name]
    if fault.setup:
        fault.setup(simulator)
    args = [] if verbosity == "default" else ["-vvvv"]
    started = time.monotonic()
    outcome = RUNNERS[adapter](ansible, fault.auth, environment_of(fault.auth, fault.env), args, fault.options)
    elapsed = time.monotonic() - started

    assert outcome.succeeded == fault.succeeds, outcome.output
    counters = simulator.counters
    assert dict((key, counters[key]) for key in fault.counters) == fault.counters
    if fault.succeeds:
        assert outcome.services, outcome.output
        if fault.check:
            fault.check(outcome)
        else:
            assert sorted(s["service_name"] for s in outcome.services) == sorted(s["service_name"] for s in SERVICES)
    else:
        for fragment in fault.fragments:
            # ansible-core before 2.19 wraps a failed source's warning at 79 columns, wherever the
            # temporary path puts the break, and may break at a hyphen: compare without white space.
            assert without_blanks(fragment) in without_blanks(outcome.message), outcome.output
    if verbosity == "default":
        assert "Traceback" not in outcome.output
    for secret in SECRETS + (ISSUED_TOKEN_PREFIX,) + tuple(fault.absent):
        assert secret not in outcome.output
        assert secret not in outcome.returned
    # Retries and timeouts are bounded: 3 attempts of at most 1 s, backoff and Retry-After included.
    assert elapsed < 30


# -- Hardening of the client: runs that are not one fault of one adapter --------------------------------------
def test_ctrl_c_during_an_inventory_read_cancels_the_queued_projects(ansible, simulator):
    # Sixteen projects, two at a time, each read taking a second: a full read takes eight seconds.
    simulator.latency = 1.0
    projects = ["%032x" % number for number in range(1, 16)] + [PROJECT_ID]
    config = dict(plugin="hwc.res.infer_services", projects=projects, max_workers=2, fail_on_errors=False,
                  timeout=5, retries=0, **options_of("token"))
    path = ansible.tmp_path / "interrupted.infer_services.yml"
    path.write_text(json.dumps(config))
    env = ansible.env(auth=None, **environment_of("token", {}))
    process = subprocess.Popen([str(BIN / "ansible-inventory"), "-i", str(path), "--list"], env=env,
                               cwd=str(ansible.tmp_path), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while simulator.counters["list"] < 2 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert simulator.counters["list"] >= 2, process.communicate()
        process.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    # Within two seconds plus one request (one second here), not after the eight seconds of the queue.
    assert time.monotonic() - interrupted < 5, stdout + stderr
    assert process.returncode != 0
    assert simulator.counters["list"] <= 6
    assert "Traceback" not in stdout + stderr
    assert AUTH_TOKEN not in stdout + stderr


def test_missing_requests_names_the_interpreter_and_keeps_the_traceback(ansible, tmp_path):
    # A requests package that cannot be imported, ahead of the real one on the module's path.
    shadow = tmp_path / "shadow" / "requests"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('No module named requests (shadowed by the test)')\n")
    run = ansible.playbook(
        "- name: Missing requests\n  hosts: localhost\n  gather_facts: false\n  tasks:\n"
        "    - name: Adapter\n      hwc.res.infer_service_info:\n",
        # -vvv keeps a module's traceback before ansible-core 2.19; from 2.19 on, DISPLAY_TRACEBACK does.
        env={"PYTHONPATH": str(shadow.parent), "ANSIBLE_DISPLAY_TRACEBACK": "error"}, args=["-vvv"])
    result = run.task("Adapter")["result"]
    assert run.rc != 0
    assert "Failed to import the required Python library (requests) on" in result["msg"]
    assert "Python %s" % sys.executable in result["msg"]
    assert "shadowed by the test" in result["exception"]
