/*
 * tui/cmd_docker.h: `r8play run --image REF ...`, a prediction on a Cog
 * image of the local Docker Engine (tui/cmd_docker.c). cmd_run() hands its
 * whole argv here when it sees --image.
 */
#ifndef PG_TUI_CMD_DOCKER_H
#define PG_TUI_CMD_DOCKER_H

/*
 * argv[0] is "run". Reuses a running container of REF that r8play started,
 * else pulls REF when it is not here and starts it (--gpus as in `local
 * start`), waits for READY, runs the prediction through `run --local`
 * with the remaining arguments, then stops and removes what it started
 * unless --keep. Returns the exit status of the run (1 when the container
 * could not be had, 2 usage, 130 interrupted).
 */
int cmd_run_image(int argc, char **argv);

#endif
