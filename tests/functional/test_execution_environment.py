# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The execution environment: the built collection, ansible-builder create on the example, and introspection."""

import shutil
import subprocess
import tarfile

import pytest
import yaml

from harness import BIN, REPO

EXAMPLE = REPO / "extensions" / "ee" / "execution-environment.yml"
JUNK = ("__pycache__", ".pytest_cache", ".hypothesis", ".venv", "build", "output", "context", ".git")


def run(command, cwd, env):
    completed = subprocess.run([str(part) for part in command], cwd=str(cwd), env=env, capture_output=True,
                               text=True, timeout=300, stdin=subprocess.DEVNULL, check=False)
    assert completed.returncode == 0, "%s\n%s\n%s" % (command, completed.stdout, completed.stderr)
    return completed.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(the collection tarball built from this checkout, the environment to run tools with)."""
    folder = tmp_path_factory.mktemp("ee")
    env = {"PATH": str(BIN), "HOME": str(folder), "ANSIBLE_HOME": str(folder / "ansible-home"), "LANG": "C.UTF-8"}
    run([BIN / "ansible-galaxy", "collection", "build", "--output-path", folder, REPO], folder, env)
    [tarball] = folder.glob("hwc-res-*.tar.gz")
    return tarball, env


def test_the_tarball_ships_the_awx_and_ee_extensions_and_no_junk(built):
    tarball, _tool_env = built
    with tarfile.open(str(tarball)) as archive:
        names = archive.getnames()
    for shipped in ("extensions/awx/credential_type.yml", "extensions/ee/execution-environment.yml",
                    "meta/execution-environment.yml", "requirements.txt"):
        assert shipped in names
    assert [name for name in names if set(name.split("/")) & set(JUNK) or name.endswith((".pyc", ".tar.gz"))] == []


def test_ansible_builder_create_renders_the_example_with_the_tarball(built, tmp_path):
    tarball, env = built
    # The example names the tarball of the version in galaxy.yml, built next to it.
    version = yaml.safe_load((REPO / "galaxy.yml").read_text())["version"]
    assert tarball.name == "hwc-res-%s.tar.gz" % version
    definition = yaml.safe_load(EXAMPLE.read_text())
    assert definition["version"] == 3 and definition["images"]["base_image"]["name"]
    shutil.copy(str(EXAMPLE), str(tmp_path))
    shutil.copy(str(tarball), str(tmp_path))
    run([BIN / "ansible-builder", "create", "-f", tmp_path / EXAMPLE.name, "-c", tmp_path / "context"], tmp_path, env)
    build = tmp_path / "context" / "_build"
    assert (build / "collections" / tarball.name).read_bytes() == tarball.read_bytes()
    requirements = yaml.safe_load((build / "requirements.yml").read_text())
    assert requirements == {"collections": [{"name": "collections/" + tarball.name, "type": "file"}]}
    containerfile = next((tmp_path / "context").glob("*file")).read_text()
    assert "ansible-galaxy collection install" in containerfile and "introspect" in containerfile


def test_ansible_builder_introspect_finds_the_requirements_of_hwc_res(built, tmp_path):
    tarball, env = built
    run([BIN / "ansible-galaxy", "collection", "install", tarball, "-p", tmp_path / "collections"], tmp_path, env)
    found = yaml.safe_load(run([BIN / "ansible-builder", "introspect", tmp_path / "collections"], tmp_path, env))
    assert found == {"python": ["requests>=2.25.0  # from collection hwc.res",
                                "jmespath>=0.10.0  # from collection hwc.res"], "system": []}
