#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shell `export NAME=VALUE` lines for `make demo` (tests/simulator/demo.sh calls it).

    sample_env.py DATA_FILE NAME=VALUE...

A VALUE of the form ``sample:PATH`` is looked up in DATA_FILE (the simulator's sample
data; PATH is dotted, list items by index); any other VALUE is taken as it is.
"""

import json
import shlex
import sys

SAMPLE = "sample:"


def sample_value(data, path):
    node = data
    for key in path.split("."):
        node = node[int(key)] if isinstance(node, list) else node[key]
    return str(node)


def main(argv):
    with open(argv[0]) as data_file:
        data = json.load(data_file)
    for word in argv[1:]:
        name, value = word.split("=", 1) if "=" in word else (word, "")
        if value.startswith(SAMPLE):
            value = sample_value(data, value[len(SAMPLE):])
        print("export %s=%s" % (name, shlex.quote(value)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
