# shellcheck shell=bash disable=SC2034
# Names shared by simulate_cicd.sh and teardown.sh, so that teardown removes exactly what the simulation made.
# Sourced with ROOT set to the repository root.
IMAGE_NAME=ws_server_ms_simulation_image
CONTAINER_NAME=ws_server_ms_simulation_container_1
PID_FILE=$ROOT/target/simulation.pid
RUN_LOG=$ROOT/target/simulation.log
RUN_TMP=$ROOT/target/simulation-tmp
