# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse a JUnit XML file and print what verify.yml checks, as JSON; exit 1 when it is not JUnit."""

import json
import sys
import xml.etree.ElementTree as ET


def main(path):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    if root.tag not in ("testsuites", "testsuite") or len(suites) != 1:
        sys.exit("%s: not JUnit with one testsuite (root %s)" % (path, root.tag))
    suite = suites[0]
    cases = suite.findall("testcase")
    failures = [case for case in cases if case.find("failure") is not None]
    print(json.dumps({
        "declared": {key: int(suite.get(key)) for key in ("tests", "failures", "errors", "skipped")},
        "testcases": len(cases),
        "failures": len(failures),
        "skipped": sum(1 for case in cases if case.find("skipped") is not None),
        "failed": sorted([case.get("classname").split(".", 1)[1], case.get("name")] for case in failures),
        "messages": sorted(case.find("failure").get("message") for case in failures),
        "remediations": [[case.get("classname"), "failed" if case.find("failure") is not None else "skipped"
                          if case.find("skipped") is not None else "passed"]
                         for case in cases if case.get("name") == "remediation"],
    }))


if __name__ == "__main__":
    main(sys.argv[1])
