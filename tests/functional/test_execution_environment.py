# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The execution and decision environments: the built collection, ansible-builder create on each definition, the
galaxy stage of the generated build file run on this machine, and introspection.

No container engine runs here, so ``run_galaxy_stage()`` runs the steps of the build file's galaxy stage itself
(COPY, WORKDIR, RUN) in a folder standing for the image's root: that is where the definitions pick the tarball
and install it, the part that depends on the collection's version.
"""

import io
import json
import os
import re
import shlex
import shutil
import subprocess
import tarfile

import pytest
import yaml

from doc_examples import rst_blocks
from harness import BIN, REPO

EE = REPO / "extensions" / "ee" / "execution-environment.yml"
DE = REPO / "extensions" / "eda" / "decision-environment.yml"
DEFINITIONS = [pytest.param(EE, id="ee"), pytest.param(DE, id="de")]
JUNK = ("__pycache__", ".pytest_cache", ".hypothesis", ".venv", "build", "output", "context", ".git")
# The version-free name both definitions install the tarball under.
REQUIREMENT = {"collections": [{"name": "collections/hwc-res.tar.gz", "type": "file"}]}
# The image folders the galaxy stage writes to, which run_galaxy_stage() moves under its root.
IMAGE_PATH = re.compile(r"""(?<=[\s"'])/(?=build\b|usr/share/ansible\b)""")


def run(command, cwd, env, check=True):
    completed = subprocess.run([str(part) for part in command], cwd=str(cwd), env=env, capture_output=True,
                               text=True, timeout=300, stdin=subprocess.DEVNULL, check=False)
    if check:
        assert completed.returncode == 0, "%s\n%s\n%s" % (command, completed.stdout, completed.stderr)
    return completed


def galaxy_version():
    return yaml.safe_load((REPO / "galaxy.yml").read_text())["version"]


def dev_pins():
    pins = {}
    for line in (REPO / "requirements-dev.txt").read_text().splitlines():
        requirement = line.split("#")[0].strip()
        if "==" in requirement:
            name, version = requirement.split("==")
            pins[name.lower()] = version
    return pins


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(the collection tarball built from this checkout, the environment to run tools with)."""
    folder = tmp_path_factory.mktemp("ee")
    env = {"PATH": str(BIN), "HOME": str(folder), "ANSIBLE_HOME": str(folder / "ansible-home"), "LANG": "C.UTF-8"}
    run([BIN / "ansible-galaxy", "collection", "build", "--output-path", folder, REPO], folder, env)
    [tarball] = folder.glob("hwc-res-*.tar.gz")
    return tarball, env


def with_version(tarball, version, folder):
    """A copy of ``tarball`` whose MANIFEST.json says ``version``, named as ansible-galaxy names its tarballs."""
    copy = folder / ("hwc-res-%s.tar.gz" % version)
    with tarfile.open(str(tarball)) as source, tarfile.open(str(copy), "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            if member.name == "MANIFEST.json":
                manifest = json.loads(data)
                manifest["collection_info"]["version"] = version
                data = json.dumps(manifest, indent=4).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data) if data is not None else None)
    return copy


def create(definition_text, name, tarballs, folder, env):
    """ansible-builder create on the definition with ``tarballs`` next to it, as its header says to build it;
    returns the build context."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(definition_text)
    for tarball in tarballs:
        shutil.copy(str(tarball), str(folder))
    run([BIN / "ansible-builder", "create", "-f", folder / name, "-c", folder / "context"], folder, env)
    return folder / "context"


def build_file(context):
    return next(context.glob("*file")).read_text()


def run_galaxy_stage(context, root, env):
    """Runs the galaxy stage of the build file in ``context`` with ``root`` as the image's root, leaving out
    the checks of ansible-builder's scripts (under /output). Returns None, or the failed step and its output."""
    lines = build_file(context).splitlines()
    start = lines.index("FROM base AS galaxy") + 1
    end = next((index for index in range(start, len(lines)) if lines[index].startswith("FROM ")), len(lines))
    workdir = root
    # The image's shell tools (mv, mkdir), and ansible-galaxy from this virtualenv.
    env = dict(env, PATH=str(BIN) + os.pathsep + os.defpath)
    for line in lines[start:end]:
        instruction, argument = (line.split(" ", 1) + [""])[:2]
        if instruction == "COPY":
            source, target = shlex.split(argument)
            source_path, target_path = context / source, root / target.lstrip("/")
            if not source_path.exists():
                return line, "%s is not in the build context" % source
            shutil.copytree(str(source_path), str(target_path), dirs_exist_ok=True)
        elif instruction == "WORKDIR":
            workdir = root / argument.lstrip("/")
            workdir.mkdir(parents=True, exist_ok=True)
        elif instruction == "RUN" and not argument.startswith("/output/"):
            # The build args of the galaxy stage are empty by default.
            command = IMAGE_PATH.sub(str(root) + "/", re.sub(r"\$ANSIBLE_GALAXY_CLI_\w+_OPTS", "", argument))
            completed = run(["bash", "-euo", "pipefail", "-c", command], workdir, env, check=False)
            if completed.returncode != 0:
                return line, completed.stdout + completed.stderr
    return None


def installed_version(root):
    manifest = root / "usr/share/ansible/collections/ansible_collections/hwc/res/MANIFEST.json"
    return json.loads(manifest.read_text())["collection_info"]["version"]


def test_the_tarball_ships_the_awx_ee_and_de_extensions_and_no_junk(built):
    tarball, _tool_env = built
    with tarfile.open(str(tarball)) as archive:
        names = archive.getnames()
    for shipped in ("extensions/awx/credential_type.yml", "extensions/ee/execution-environment.yml",
                    "extensions/eda/decision-environment.yml", "meta/execution-environment.yml", "requirements.txt"):
        assert shipped in names
    assert [name for name in names if set(name.split("/")) & set(JUNK) or name.endswith((".pyc", ".tar.gz"))] == []


@pytest.mark.parametrize("definition", DEFINITIONS)
def test_ansible_builder_create_renders_the_definition_with_the_built_tarball(definition, built, tmp_path):
    tarball, env = built
    assert tarball.name == "hwc-res-%s.tar.gz" % galaxy_version()
    data = yaml.safe_load(definition.read_text())
    assert data["version"] == 3 and data["images"]["base_image"]["name"]
    context = create(definition.read_text(), definition.name, [tarball], tmp_path / "definition", env)
    build = context / "_build"
    assert [path.name for path in (build / "collections").iterdir()] == [tarball.name]
    assert (build / "collections" / tarball.name).read_bytes() == tarball.read_bytes()
    assert yaml.safe_load((build / "requirements.yml").read_text()) == REQUIREMENT
    assert "ansible-galaxy collection install" in build_file(context) and "introspect" in build_file(context)
    assert run_galaxy_stage(context, tmp_path / "image", env) is None
    assert installed_version(tmp_path / "image") == galaxy_version()


@pytest.mark.parametrize("definition", DEFINITIONS)
def test_the_definition_installs_whichever_version_was_built(definition, built, tmp_path):
    tarball, env = built
    other = with_version(tarball, "9.8.7", tmp_path)
    context = create(definition.read_text(), definition.name, [other], tmp_path / "definition", env)
    assert run_galaxy_stage(context, tmp_path / "image", env) is None
    assert installed_version(tmp_path / "image") == "9.8.7"


def test_a_definition_that_names_a_version_fails_on_another(built, tmp_path):
    """The check of the tests above fails on a definition that names one version, as 1.0.0's did."""
    tarball, env = built
    pinned = yaml.safe_load(EE.read_text())
    pinned["dependencies"]["galaxy"]["collections"][0]["name"] = "collections/hwc-res-0.0.1.tar.gz"
    context = create(yaml.safe_dump(pinned), EE.name, [tarball], tmp_path / "definition", env)
    failed = run_galaxy_stage(context, tmp_path / "image", env)
    assert failed is not None and "hwc-res-0.0.1.tar.gz" in failed[1] and "ansible-galaxy" in failed[0], failed


def test_two_tarballs_or_none_stop_the_galaxy_stage(built, tmp_path):
    tarball, env = built
    both = create(DE.read_text(), DE.name, [tarball, with_version(tarball, "9.8.7", tmp_path)], tmp_path / "two", env)
    failed = run_galaxy_stage(both, tmp_path / "image-two", env)
    assert failed is not None and failed[0].startswith("RUN mv "), failed
    none = create(DE.read_text(), DE.name, [], tmp_path / "none", env)
    failed = run_galaxy_stage(none, tmp_path / "image-none", env)
    assert failed is not None and failed[0] == "COPY _build/collections/ /build/collections/", failed


def test_the_decision_environment_adds_ansible_rulebook_java_and_the_collection_requirements(built, tmp_path):
    tarball, env = built
    context = create(DE.read_text(), DE.name, [tarball], tmp_path / "definition", env)
    python = (context / "_build" / "requirements.txt").read_text().split()
    collection_requirements = (REPO / "requirements.txt").read_text().split("\n")
    collection_requirements = [line for line in collection_requirements if line and not line.startswith("#")]
    assert python == ["ansible-rulebook==%s" % dev_pins()["ansible-rulebook"]] + collection_requirements
    assert any(line.startswith("requests") for line in python)
    assert (context / "_build" / "bindep.txt").read_text().split("\n") == ["java-17-openjdk-headless [platform:rpm]"]


@pytest.mark.parametrize("definition", DEFINITIONS)
def test_the_definitions_pin_the_tested_ansible_core_and_runner(definition):
    dependencies = yaml.safe_load(definition.read_text())["dependencies"]
    pins = dev_pins()
    assert dependencies["ansible_core"] == {"package_pip": "ansible-core==%s" % pins["ansible-core"]}
    assert dependencies["ansible_runner"] == {"package_pip": "ansible-runner==%s" % pins["ansible-runner"]}


def _is_part(part, whole):
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(key in whole and _is_part(part[key], whole[key]) for key in part)
    return part == whole


def test_the_eda_guide_shows_an_excerpt_of_the_decision_environment():
    guide = (REPO / "docs" / "docsite" / "rst" / "eda.rst").read_text()
    marker = "# example-not-run: an excerpt of extensions/eda/decision-environment.yml"
    [excerpt] = [yaml.safe_load(text) for _line, text in rst_blocks(guide) if marker in text]
    assert excerpt["dependencies"] and _is_part(excerpt, yaml.safe_load(DE.read_text()))


def test_ansible_builder_introspect_finds_the_requirements_of_hwc_res(built, tmp_path):
    tarball, env = built
    run([BIN / "ansible-galaxy", "collection", "install", tarball, "-p", tmp_path / "collections"], tmp_path, env)
    found = yaml.safe_load(run([BIN / "ansible-builder", "introspect", tmp_path / "collections"], tmp_path, env).stdout)
    assert found == {"python": ["requests>=2.25.0  # from collection hwc.res",
                                "jmespath>=0.10.0  # from collection hwc.res"], "system": []}
