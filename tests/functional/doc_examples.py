# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The YAML examples a user reads, where they are and what kind each is (test_doc_examples.py runs them).

Sources: README.md and roles/*/README.md (```yaml and ```yaml+jinja fences), the guides
docs/docsite/rst/*.rst (code, code-block and sourcecode directives in yaml or yaml+jinja), and the
plugins' EXAMPLES: modules and lookups (a task list each), inventory plugins (each YAML document an
inventory source file) and filters (the EXAMPLES of plugins/filter/*.yml).

An example is a playbook (a list of plays), a task list, an inventory source (a mapping whose
``plugin`` is a plugin of this collection), or marked in a comment of its own:

- ``# example-extra-vars-for: <playbook>``: extra vars of that playbook of the collection;
- ``# example-rulebook-vars-for: <rulebook>``: the variables (``ansible-rulebook --vars``) of that
  rulebook of the collection, a path such as ``extensions/eda/rulebooks/infer_service_heal.yml``;
- ``# example-not-run: <why>``: it cannot run here (it needs AWX, for example), and says why.

Anything else is an example nobody runs: the test fails on it.
"""

import ast
import re
import textwrap
from collections import namedtuple
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
COLLECTION = "hwc.res."

NOT_RUN = re.compile(r"^\s*#\s*example-not-run:\s*(?P<why>\S.*)$", re.MULTILINE)
EXTRA_VARS_FOR = re.compile(r"^\s*#\s*example-extra-vars-for:\s*(?P<playbook>\S+)\s*$", re.MULTILINE)
RULEBOOK_VARS_FOR = re.compile(r"^\s*#\s*example-rulebook-vars-for:\s*(?P<rulebook>\S+)\s*$", re.MULTILINE)
_FENCE = re.compile(r"^```(?:yaml|yaml\+jinja)\s*$")
_DIRECTIVE = re.compile(r"^(?P<indent>\s*)\.\. (?:code|code-block|sourcecode)::\s*(?:yaml|yaml\+jinja)\s*$")
_DIRECTIVE_OPTION = re.compile(r"^\s+:[\w-]+:")

# kind: playbook, tasks, inventory, extra_vars, rulebook_vars, not_run or unknown; detail: the playbook of
# extra_vars, the rulebook of rulebook_vars, the reason of not_run, why an unknown example is no example.
Example = namedtuple("Example", "path line text kind detail")


def _indent(line):
    return len(line) - len(line.lstrip())


def markdown_blocks(text):
    """(first line number, text) of every yaml fence."""
    lines, start = text.splitlines(), None
    for number, line in enumerate(lines, 1):
        if start is None and _FENCE.match(line):
            start = number + 1
        elif start is not None and line.strip() == "```":
            yield start, "\n".join(lines[start - 1:number - 1]) + "\n"
            start = None


def rst_blocks(text):
    """(first line number, dedented text) of every yaml code directive."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        match = _DIRECTIVE.match(line)
        if not match:
            continue
        body = number + 1
        while body < len(lines) and (_DIRECTIVE_OPTION.match(lines[body]) or not lines[body].strip()):
            body += 1
        end = body
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > len(match.group("indent"))):
            end += 1
        block = "\n".join(lines[body:end]).rstrip() + "\n"
        yield body + 1, textwrap.dedent(block)


def python_examples(text):
    """(first line number, text) of the EXAMPLES string of a plugin's Python file, or nothing."""
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "EXAMPLES" for t in node.targets):
            # The string starts right after its opening quotes, so its first line ends there.
            yield node.value.lineno, node.value.value


def yaml_examples(text):
    """(first line number, text) of the EXAMPLES block of a filter's YAML documentation."""
    node = yaml.compose(text)
    for key, value in node.value:
        if key.value == "EXAMPLES":
            # A block scalar starts on the line after its indicator.
            yield value.start_mark.line + 2, value.value


def documents(start, text):
    """(first line number, text) of each YAML document of ``text`` that holds more than comments."""
    lines, chunk_start, chunk = text.splitlines(), start, []
    for number, line in enumerate(lines + ["---"], start):
        if line.rstrip() == "---":
            if any(part.strip() and not part.lstrip().startswith("#") for part in chunk):
                yield chunk_start, "\n".join(chunk) + "\n"
            chunk_start, chunk = number + 1, []
        else:
            chunk.append(line)


def classify(text):
    """(kind, detail) of one example's text."""
    marked = NOT_RUN.search(text)
    if marked:
        return "not_run", marked.group("why").strip()
    extra_vars_for = EXTRA_VARS_FOR.search(text)
    if extra_vars_for:
        return "extra_vars", extra_vars_for.group("playbook")
    rulebook_vars_for = RULEBOOK_VARS_FOR.search(text)
    if rulebook_vars_for:
        return "rulebook_vars", rulebook_vars_for.group("rulebook")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        return "unknown", "it is not YAML: %s" % error
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        plays = [item for item in data if "hosts" in item or "import_playbook" in item]
        return ("playbook" if len(plays) == len(data) else "tasks"), None
    if isinstance(data, dict) and str(data.get("plugin", "")).startswith(COLLECTION):
        return "inventory", None
    return "unknown", "it is no playbook, task list or inventory source"


def sources():
    """(path relative to the repository, [(line, text)]) of every file that holds examples, in a stable order."""
    for path in [REPO / "README.md"] + sorted(REPO.glob("roles/*/README.md")):
        yield path, list(markdown_blocks(path.read_text(encoding="utf-8")))
    for path in sorted(REPO.glob("docs/docsite/rst/*.rst")):
        yield path, list(rst_blocks(path.read_text(encoding="utf-8")))
    for folder in ("modules", "lookup"):
        for path in sorted(REPO.glob("plugins/%s/*.py" % folder)):
            yield path, list(python_examples(path.read_text(encoding="utf-8")))
    for path in sorted(REPO.glob("plugins/inventory/*.py")):
        yield path, [doc for start, text in python_examples(path.read_text(encoding="utf-8"))
                     for doc in documents(start, text)]
    for path in sorted(REPO.glob("plugins/filter/*.yml")):
        yield path, list(yaml_examples(path.read_text(encoding="utf-8")))


def _from_first_line(line, text):
    """(line, text) without the blank lines ``text`` starts with, so that the line is the example's first."""
    lines = text.splitlines()
    blank = next((index for index, part in enumerate(lines) if part.strip()), len(lines))
    return line + blank, "\n".join(lines[blank:]) + "\n"


def collect():
    """Every example, each classified."""
    examples = []
    for path, blocks in sources():
        for line, text in blocks:
            if text.strip():
                line, text = _from_first_line(line, text)
                examples.append(Example(str(path.relative_to(REPO)), line, text, *classify(text)))
    return examples


def counts_line(examples=None):
    examples = collect() if examples is None else examples
    runnable = [e for e in examples if e.kind not in ("not_run", "unknown")]
    marked = [e for e in examples if e.kind == "not_run"]
    unknown = [e for e in examples if e.kind == "unknown"]
    return "documentation examples: %d run against the simulator, %d marked example-not-run%s" % (
        len(runnable), len(marked), ", %d neither (failing)" % len(unknown) if unknown else "")
