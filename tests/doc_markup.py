#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`make lint` runs it (tests/lint.sh): Ansible markup in the collection's documentation that breaks.

    doc_markup.py [FILE...]

Every description, short description, note and attribute detail of the plugins' DOCUMENTATION and
RETURN (modules, lookup, inventory, filter YAML files, doc fragments, the event source) and of the
roles' argument specs is parsed with antsibull-docs-parser, which ansible-doc and the docs site follow.
Without FILE arguments, all of them are checked; exit 1 when any markup is broken.

What it catches that `antsibull-docs lint-collection-docs` does not: a ``)`` inside C(...) ends the
code early, so ``C(x="{{ lookup('env', 'X') }}")`` renders as the code ``x="{{ lookup('env', 'X'``
followed by the text `` }}")``, which both tools accept. Code whose brackets or quotes do not close
(outside quotes) is reported. O(), V(), E() and RV() take ``\\)`` for a parenthesis and are checked
the same way after their escapes are undone.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import yaml
from antsibull_docs_parser import dom
from antsibull_docs_parser.parser import Context, parse

ROOT = Path(__file__).resolve().parents[1]
PYTHON_DOCS = ("plugins/modules/*.py", "plugins/lookup/*.py", "plugins/inventory/*.py",
               "extensions/eda/plugins/event_source/*.py")
FRAGMENTS = ("plugins/doc_fragments/*.py",)
YAML_DOCS = ("plugins/filter/*.yml", "plugins/test/*.yml", "roles/*/meta/argument_specs.yml")
DOC_VARIABLES = ("DOCUMENTATION", "RETURN")
# Keys whose text is rendered as markup.
MARKUP_KEYS = ("description", "short_description", "notes", "details")
OPENERS, CLOSERS = "([{", ")]}"
QUOTES = "'\""


def unbalanced(code):
    """Why ``code`` cannot be a complete piece of code (an unclosed bracket or quote), or None."""
    stack, quote = [], None
    for char in code:
        if quote:
            if char == quote:
                quote = None
        elif char in QUOTES:
            quote = char
        elif char in OPENERS:
            stack.append(char)
        elif char in CLOSERS:
            if not stack or OPENERS.index(stack.pop()) != CLOSERS.index(char):
                return "a %r closes nothing" % char
    if quote:
        return "the quote %s is not closed" % quote
    if stack:
        return "%s is not closed" % " ".join(repr(char) for char in stack)
    return None


def _code_of(part):
    """(markup letter, code text) of a part that holds code, or None."""
    if isinstance(part, dom.CodePart):
        return "C", part.text
    if isinstance(part, dom.OptionValuePart):
        return "V", part.value
    if isinstance(part, dom.EnvVariablePart):
        return "E", part.name
    if isinstance(part, dom.OptionNamePart):
        return "O", part.name + ("" if part.value is None else "=" + part.value)
    if isinstance(part, dom.ReturnValuePart):
        return "RV", part.name + ("" if part.value is None else "=" + part.value)
    return None


def markup_problems(text):
    """The problems of one documentation string: parse errors and code whose brackets or quotes do not close."""
    problems = []
    for paragraph in parse(text, Context(), errors="message", strict=True):
        for part in paragraph:
            if isinstance(part, dom.ErrorPart):
                problems.append(part.message)
                continue
            code = _code_of(part)
            why = code and unbalanced(code[1])
            if why:
                hint = " (a ')' inside C() ends it; write the code with V() and '\\)', or without the parenthesis)" \
                    if code[0] == "C" else ""
                problems.append("%s() holds only %r, which looks cut short: %s%s" % (code[0], code[1], why, hint))
    return problems


def _texts(value, where):
    """(where, text) for every string under a markup key of ``value``, recursively."""
    if isinstance(value, dict):
        for key, item in value.items():
            here = "%s.%s" % (where, key) if where else str(key)
            if key in MARKUP_KEYS and isinstance(item, (str, list)):
                items = [item] if isinstance(item, str) else item
                for index, text in enumerate(items):
                    if isinstance(text, str):
                        yield ("%s[%d]" % (here, index) if isinstance(item, list) else here), text
            else:
                yield from _texts(item, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, "%s[%d]" % (where, index))


def _string_assignments(body):
    """{name: string} of the plain string assignments in a module's or a class's body."""
    found = {}
    for node in body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found


def documents(path):
    """(label, parsed YAML) of each documentation block of the file at ``path``."""
    if path.suffix == ".py":
        tree = ast.parse(path.read_text(encoding="utf-8"))
        blocks = [("", _string_assignments(tree.body))] + [
            (node.name + ".", _string_assignments(node.body)) for node in tree.body if isinstance(node, ast.ClassDef)]
        for prefix, strings in blocks:
            for name, text in sorted(strings.items()):
                if name in DOC_VARIABLES or (prefix and name.isupper()):
                    yield prefix + name, yaml.safe_load(text)
    else:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.name == "argument_specs.yml":
            yield "argument_specs", data
        else:
            for name in DOC_VARIABLES:
                if name in (data or {}):
                    yield name, data[name]


def default_files():
    patterns = PYTHON_DOCS + FRAGMENTS + YAML_DOCS
    return sorted(path for pattern in patterns for path in ROOT.glob(pattern) if path.name != "__init__.py")


def main(argv):
    files = [Path(arg) for arg in argv] or default_files()
    problems, texts = [], 0
    for path in files:
        for label, document in documents(path):
            for where, text in _texts(document, ""):
                texts += 1
                problems.extend("%s: %s %s: %s" % (path, label, where, problem) for problem in markup_problems(text))
    for problem in problems:
        print(problem)
    print("doc markup: %d text(s) of %d file(s) checked, %d problem(s)" % (texts, len(files), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
