#!/usr/bin/env bash
# `make molecule` calls it, in the Makefile's environment: `molecule test --all`
# from the collection tree for the scenarios in extensions/molecule/, and in
# every role that has roles/<role>/molecule/<scenario>/molecule.yml.
set -euo pipefail

cd "${ANSIBLE_COLLECTIONS_PATH:?the Makefile sets it}/ansible_collections/hwc/res"
ran=0
if compgen -G 'extensions/molecule/*/molecule.yml' >/dev/null; then
    echo "molecule: extensions/molecule: molecule test --all"
    molecule test --all
    ran=1
fi
for scenarios in roles/*/molecule; do
    if compgen -G "$scenarios/*/molecule.yml" >/dev/null; then
        role="${scenarios%/molecule}"
        echo "molecule: $role: molecule test --all"
        (cd "$role" && molecule test --all)
        ran=1
    fi
done
if [[ "$ran" == 0 ]]; then
    echo "molecule: no scenarios under extensions/molecule/ or roles/*/molecule/ yet; skipping"
fi
