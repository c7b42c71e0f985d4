/*
 * release-client.c - the terminal side of bench/release: one session
 * that logs in, lists, and releases one job, timing each step.
 *
 *	release-client DIR NAME HOST PORT SERVER USER PIN JOB-ID
 *
 * Prints "login_list_ms=... accepted_ms=... done_ms=..." where
 * accepted is the time from the release request to the printer having
 * accepted the job (PROGRESS sent), done to the end of printing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "terminal/client.h"
#include "proto/protoio.h"

static double
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static bool
exchange(fm_tls_t *tls, struct fm_proto_msg *m, struct fm_proto_msg *in)
{
	const char *err;

	return fm_protoio_send(tls, m) &&
	    fm_protoio_recv(tls, in, &err) == FM_PROTOIO_OK;
}

int
main(int argc, char **argv)
{
	static struct fm_proto_msg m, in;
	char ca[512], crt[512], key[512], err[256];
	double t0, t_list, t_accepted = -1, t_done = -1;
	fm_tls_config_t *cfg;
	const char *errstr;
	fm_tls_t *tls;

	if (argc != 9) {
		fprintf(stderr,
		    "usage: release-client DIR NAME HOST PORT "
		    "SERVER USER PIN JOB\n");
		return 2;
	}
	snprintf(ca, sizeof(ca), "%s/ca.crt", argv[1]);
	snprintf(crt, sizeof(crt), "%s/%s.crt", argv[1], argv[2]);
	snprintf(key, sizeof(key), "%s/%s.key", argv[1], argv[2]);
	if ((cfg = fm_tls_config_create(FM_TLS_CLIENT, ca, crt, key, 120000,
	         err, sizeof(err))) == NULL ||
	    (tls = fm_client_connect(cfg, argv[3], argv[4], argv[5], 5000, err,
	         sizeof(err))) == NULL) {
		fprintf(stderr, "release-client: %s\n", err);
		return 1;
	}
	fm_proto_init(&m, FM_MSG_HELLO);
	m.version = FM_PROTO_VERSION;
	if (!exchange(tls, &m, &in) || in.type != FM_MSG_HELLO_OK)
		return 1;
	t0 = ms_now();
	fm_proto_init(&m, FM_MSG_AUTH_PIN);
	snprintf(m.user, sizeof(m.user), "%s", argv[6]);
	snprintf(m.secret, sizeof(m.secret), "%s", argv[7]);
	if (!exchange(tls, &m, &in) || in.type != FM_MSG_AUTH_OK)
		return 1;
	fm_proto_init(&m, FM_MSG_LIST);
	if (!exchange(tls, &m, &in) || in.type != FM_MSG_JOB_LIST)
		return 1;
	t_list = ms_now() - t0;
	fm_proto_init(&m, FM_MSG_RELEASE);
	m.ids[0] = atoll(argv[8]);
	m.nids = 1;
	t0 = ms_now();
	if (!fm_protoio_send(tls, &m))
		return 1;
	while (fm_protoio_recv(tls, &in, &errstr) == FM_PROTOIO_OK &&
	    in.type == FM_MSG_PROGRESS) {
		if (in.stage == FM_STAGE_SENT)
			t_accepted = ms_now() - t0;
		if (in.stage >= FM_STAGE_DONE)
			t_done = ms_now() - t0;
	}
	printf("login_list_ms=%.2f accepted_ms=%.2f done_ms=%.2f\n", t_list,
	    t_accepted, t_done);
	fm_tls_close(tls);
	fm_tls_config_destroy(cfg);
	return t_done >= 0 ? 0 : 1;
}
