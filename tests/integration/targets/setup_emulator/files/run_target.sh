#!/usr/bin/env bash
# Run the calling target (its runme.yml) four times: on the direct path and on the module path
# (abraflexi_direct_execution), each normally (at VERBOSITY, the first argument) and with --check --diff. After each
# run verify.yml asks the lab whether the run printed a warning or a secret in any spelling, and whether a check run
# wrote or sent a test mail. tests/integration/integration_config.yml, when present, adds variables to every run
# (the Makefile names the modules' Python there).
set -eu -o pipefail
verbosity=$1
shift
target=$(basename "$PWD")
config=()
if [ -f ../../integration_config.yml ]; then config=(-e @../../integration_config.yml); fi
export ANSIBLE_ROLES_PATH=..
for path in direct module; do
    for mode in run check; do
        log="$OUTPUT_DIR/$target-$path-$mode.log"
        options=(-e "abraflexi_direct_execution=$([ "$path" = direct ] && echo true || echo false)")
        if [ "$mode" = check ]; then options+=(--check --diff); elif [ -n "$verbosity" ]; then options+=("$verbosity"); fi
        echo "=== $target on the $path path: $mode"
        ansible-playbook -i "$INVENTORY_PATH" runme.yml ${config[@]+"${config[@]}"} "${options[@]}" "$@" 2>&1 | tee "$log"
        ansible-playbook -i "$INVENTORY_PATH" ../setup_emulator/files/verify.yml ${config[@]+"${config[@]}"} \
            -e "run_log=$log" -e "run_target=$target" -e "run_path=$path" -e "run_mode=$mode" -e "run_verbosity=$verbosity"
    done
done
