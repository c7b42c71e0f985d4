/*
 * fm-term.c - test tool: a scriptable release terminal.
 *
 *	fm-term DIR NAME HOST PORT SERVER-NAME < commands
 *
 * Uses DIR/ca.crt, DIR/NAME.crt and DIR/NAME.key.  Each input line is a
 * request; each reply is printed as one line:
 *	hello [VERSION] | pin USER PIN | list | delete ID...|all |
 *	extend ID...|all | release [copies=N] [duplex] [gray] ID...|all |
 *	badge HEX | badgepin HEX PIN | associate HEX | logout |
 *	web PRINTER SESSION-ID-HEX |
 *	raw HEX (bytes sent as they are) | wait SECONDS (read one message)
 * Exit 0 when every request got a reply, 1 when the connection failed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "terminal/client.h"
#include "proto/protoio.h"

static void
print_msg(const struct fm_proto_msg *m)
{
	printf("%s", fm_proto_type_name(m->type));
	switch (m->type) {
	case FM_MSG_HELLO_OK:
		printf(" terminal=%s printer=%s timeout=%u version=%u",
		    m->terminal, m->printer, m->timeout, m->version);
		break;
	case FM_MSG_AUTH_OK:
		printf(" user=%s name=%s balance=%lld", m->user, m->full_name,
		    (long long)m->balance);
		/* Protocol version 2 only. */
		if (m->language[0] != '\0')
			printf(" language=%s", m->language);
		if (m->currency[0] != '\0')
			printf(" currency=%s", m->currency);
		break;
	case FM_MSG_JOB_LIST:
		printf(
		    " balance=%lld jobs=%zu", (long long)m->balance, m->njobs);
		/* A cost that is not an estimate says what it is. */
		for (size_t i = 0; i < m->njobs; i++)
			printf(" [%lld|%s|%u|%u|%lld%s]",
			    (long long)m->jobs[i].id, m->jobs[i].title,
			    m->jobs[i].documents, m->jobs[i].pages,
			    (long long)m->jobs[i].cost,
			    m->jobs[i].cost_kind == FM_COST_UP_TO ? "|up to"
			        : m->jobs[i].cost_kind == FM_COST_NO_PRICE
			        ? "|no price"
			        : "");
		break;
	case FM_MSG_PROGRESS:
		printf(" job=%lld stage=%u pages=%u charge=%lld",
		    (long long)m->job_id, m->stage, m->pages,
		    (long long)m->charge);
		break;
	case FM_MSG_AUTH_FAIL:
	case FM_MSG_ERROR:
		printf(" code=%u", m->code);
		if (m->retry_after)
			printf(" retry_after=%u", m->retry_after);
		break;
	default:
		break;
	}
	if (m->message[0])
		printf(" message=%s", m->message);
	putchar('\n');
	fflush(stdout);
}

static size_t
parse_hex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	while (s[0] && s[1] && n < max) {
		unsigned v;
		if (sscanf(s, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static void
parse_ids(struct fm_proto_msg *m, char *rest)
{
	for (char *tok = strtok(rest, " \n"); tok; tok = strtok(NULL, " \n")) {
		if (strcmp(tok, "all") == 0)
			m->all = true;
		else if (strncmp(tok, "copies=", 7) == 0)
			m->copies = (uint32_t)atoi(tok + 7);
		else if (strcmp(tok, "duplex") == 0)
			m->force_duplex = true;
		else if (strcmp(tok, "gray") == 0)
			m->force_gray = true;
		else if (m->nids < FM_PROTO_MAXIDS)
			m->ids[m->nids++] = atoll(tok);
	}
}

int
main(int argc, char **argv)
{
	static struct fm_proto_msg m, in;
	char ca[512], crt[512], key[512], err[256], line[4096];
	fm_tls_config_t *cfg;
	fm_tls_t *tls;
	const char *errstr;
	int rc = 0;

	if (argc != 6) {
		fprintf(stderr, "usage: fm-term DIR NAME HOST PORT SERVER\n");
		return 2;
	}
	snprintf(ca, sizeof(ca), "%s/ca.crt", argv[1]);
	snprintf(crt, sizeof(crt), "%s/%s.crt", argv[1], argv[2]);
	snprintf(key, sizeof(key), "%s/%s.key", argv[1], argv[2]);
	if ((cfg = fm_tls_config_create(FM_TLS_CLIENT, ca, crt, key, 20000, err,
	         sizeof(err))) == NULL ||
	    (tls = fm_client_connect(cfg, argv[3], argv[4], argv[5], 5000, err,
	         sizeof(err))) == NULL) {
		printf("CONNECT-FAILED %s\n", err);
		fm_tls_config_destroy(cfg);
		return 1;
	}
	printf("CONNECTED\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		char cmd[32] = "", *rest;
		line[strcspn(line, "\n")] = '\0';
		sscanf(line, "%31s", cmd);
		rest = line + strlen(cmd);
		fm_proto_init(&m, FM_MSG_HELLO);
		if (strcmp(cmd, "hello") == 0) {
			m.version = *rest ? (uint32_t)atoi(rest) : 1;
		} else if (strcmp(cmd, "pin") == 0) {
			m.type = FM_MSG_AUTH_PIN;
			sscanf(rest, "%255s %127s", m.user, m.secret);
		} else if (strcmp(cmd, "badge") == 0 ||
		    strcmp(cmd, "associate") == 0) {
			m.type = cmd[0] == 'b' ? FM_MSG_AUTH_BADGE
			                       : FM_MSG_ASSOCIATE_BADGE;
			m.uid_len = parse_hex(rest + 1, m.uid, sizeof(m.uid));
		} else if (strcmp(cmd, "badgepin") == 0) {
			char hex[80] = "";
			m.type = FM_MSG_AUTH_BADGE_PIN;
			sscanf(rest, "%79s %127s", hex, m.secret);
			m.uid_len = parse_hex(hex, m.uid, sizeof(m.uid));
		} else if (strcmp(cmd, "web") == 0) {
			m.type = FM_MSG_AUTH_WEB;
			sscanf(rest, "%255s %127s", m.printer, m.secret);
		} else if (strcmp(cmd, "list") == 0) {
			m.type = FM_MSG_LIST;
		} else if (strcmp(cmd, "logout") == 0) {
			m.type = FM_MSG_LOGOUT;
		} else if (strcmp(cmd, "delete") == 0 ||
		    strcmp(cmd, "extend") == 0 || strcmp(cmd, "release") == 0) {
			m.type = cmd[0] == 'd' ? FM_MSG_DELETE
			    : cmd[0] == 'e'    ? FM_MSG_EXTEND
			                       : FM_MSG_RELEASE;
			parse_ids(&m, rest);
		} else if (strcmp(cmd, "raw") == 0) {
			uint8_t raw[2048];
			size_t n = parse_hex(rest + 1, raw, sizeof(raw));
			if (!fm_tls_write(tls, raw, n))
				break;
			goto read_reply;
		} else if (strcmp(cmd, "wait") == 0) {
			goto read_reply;
		} else {
			continue;
		}
		if (!fm_protoio_send(tls, &m)) {
			printf("SEND-FAILED\n");
			rc = 1;
			break;
		}
	read_reply:
		do {
			switch (fm_protoio_recv(tls, &in, &errstr)) {
			case FM_PROTOIO_OK:
				print_msg(&in);
				break;
			case FM_PROTOIO_CLOSED:
				printf("CLOSED\n");
				goto out;
			default:
				printf("RECV-FAILED\n");
				rc = 1;
				goto out;
			}
		} while (in.type == FM_MSG_PROGRESS);
		fflush(stdout);
	}
out:
	fflush(stdout);
	fm_tls_close(tls);
	fm_tls_config_destroy(cfg);
	return rc;
}
