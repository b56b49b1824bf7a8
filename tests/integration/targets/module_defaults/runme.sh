#!/usr/bin/env bash
# Normal verbosity: at -vvv ansible-core itself prints the environment the target sets with `environment:`.
exec ../setup_emulator/files/run_target.sh "" "$@"
