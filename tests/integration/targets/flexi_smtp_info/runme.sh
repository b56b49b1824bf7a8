#!/usr/bin/env bash
exec ../setup_emulator/files/run_target.sh -vvv "$@"
