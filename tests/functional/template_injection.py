# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Service text that is a Jinja template, for the tests that event text is never rendered.

Each text, if Ansible ever rendered it, would run a shell command (a ``pipe`` lookup) that creates a file named
after the text in a folder of the test's own: an empty folder afterwards means nothing ran.
"""


def hostile_texts(marker_dir):
    """Name -> text: an expression, a statement, and a ``#jinja2:`` header choosing delimiters without braces."""
    def run(name):
        return "lookup('pipe', 'touch %s/%s && id')" % (marker_dir, name)

    return {
        "expression": "{{ %s }}" % run("expression"),
        "statement": "{%% if %s is string %%}{%% endif %%}res-statement" % run("statement"),
        "header": "#jinja2:variable_start_string:'<<', variable_end_string:'>>'\n<< %s >>" % run("header"),
        # also names a service ID: a second text, so each field leaves a marker of its own
        "expression_id": "{{ %s }}" % run("expression_id"),
    }


def commands_that_ran(marker_dir):
    return sorted(path.name for path in marker_dir.iterdir())
