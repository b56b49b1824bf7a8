#!/usr/bin/env bash
# A failed task prints the same console lines on the direct path and on the module path, on every ansible-core the
# matrix runs this target with. A timeout above the maximum fails before any request; the two tasks use different
# values so ansible-core does not fold the second error into the first as a repeat.
set -eu -o pipefail
config=()
if [ -f ../../integration_config.yml ]; then config=(-e @../../integration_config.yml); fi
output=$(ansible-playbook -i "$INVENTORY_PATH" runme.yml ${config[@]+"${config[@]}"} "$@" 2>&1)
echo "$output"
failure_lines() { grep -E '^(\[ERROR\]|fatal:|Task failed)' | sed -E 's/9999[89]/N/g' || true; }
direct=$(sed -n '/TASK \[On the direct path\]/,/TASK \[On the module path\]/p' <<<"$output" | failure_lines)
module=$(sed -n '/TASK \[On the module path\]/,$p' <<<"$output" | failure_lines)
if [ -z "$direct" ]; then echo "No failure line on the direct path" >&2; exit 1; fi
if [ "$direct" != "$module" ]; then
    echo "The failure lines differ between the direct path and the module path:" >&2
    diff <(echo "$direct") <(echo "$module") >&2 || true
    exit 1
fi
if grep -q "Action failed" <<<"$output"; then echo "The direct path printed 'Action failed'" >&2; exit 1; fi
echo "Both paths print: $direct"
