/*
 * stop.c - the signals that ask a program's event loop to stop.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/stop.h"

#include <signal.h>
#include <stddef.h>

static volatile sig_atomic_t stop_requested;

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

bool
fm_stop_catch_signals(bool hup)
{
	struct sigaction sa = {0};

	stop_requested = 0;
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) != 0 ||
	    sigaction(SIGTERM, &sa, NULL) != 0 ||
	    (hup && sigaction(SIGHUP, &sa, NULL) != 0))
		return false;
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL) == 0;
}

void
fm_stop_request(void)
{
	stop_requested = 1;
}

bool
fm_stop_is_requested(void)
{
	return stop_requested != 0;
}
