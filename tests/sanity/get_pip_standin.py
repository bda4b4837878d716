# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Offline stand-in for the pip bootstrap script that ansible-test downloads.

ansible-test seeds pip into each virtual environment it creates (created with
``--without-pip``) by running ``python get_pip_<version>.py <pip options>``,
where the script normally comes from a host this machine cannot reach. It skips
the download when the file already sits in ``~/.ansible/test/cache/``; ``make
sanity`` copies this file there under the name ansible-test expects.

What it does instead:

1. ``python -m ensurepip`` in a subprocess, which installs the pip wheel bundled
   with the interpreter. (Run in-process it leaves pip's certificate settings
   broken for the rest of the process, so it must be a subprocess.)
2. ``python -m pip install <the same options>``, which brings pip to the version
   ansible-test asked for (``pip==24.2``) from the package index. Options that
   only ``get-pip.py`` understands (``--no-setuptools``, ``--no-wheel``) are
   dropped; ``pip install`` would reject them.
"""

import subprocess
import sys

GET_PIP_ONLY_OPTIONS = frozenset(("--no-setuptools", "--no-wheel"))


def run(command):
    """Run ``command``; show its output only when it fails (as get-pip.py under ansible-test is quiet)."""
    process = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    if process.returncode:
        sys.stderr.write(process.stdout.decode("utf-8", "replace"))
        sys.stderr.write("get_pip stand-in: %s exited with %d\n" % (" ".join(command), process.returncode))
        sys.exit(process.returncode)


def main(argv):
    python = sys.executable
    run([python, "-m", "ensurepip", "--default-pip"])
    pip_args = [arg for arg in argv if arg not in GET_PIP_ONLY_OPTIONS]
    if any(not arg.startswith("-") for arg in pip_args):
        run([python, "-m", "pip", "install"] + pip_args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
