/*
 * protoio.c - protocol frames over TLS.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "proto/protoio.h"

#include <stdlib.h>

#include "common/aead.h"

bool
fm_protoio_send(fm_tls_t *tls, const struct fm_proto_msg *m)
{
	uint8_t *buf = malloc(FM_PROTO_HEADERLEN + FM_PROTO_MAXMSG);
	size_t len;
	bool ok = false;

	if (buf == NULL)
		return false;
	if ((len = fm_proto_encode(
	         m, buf, FM_PROTO_HEADERLEN + FM_PROTO_MAXMSG)) > 0)
		ok = fm_tls_write(tls, buf, len);
	/* Frames may carry a PIN. */
	fm_wipe(buf, len);
	free(buf);
	return ok;
}

enum fm_protoio_status
fm_protoio_recv(fm_tls_t *tls, struct fm_proto_msg *m, const char **errstr)
{
	uint8_t header[FM_PROTO_HEADERLEN], *buf;
	enum fm_protoio_status st = FM_PROTOIO_ERROR;
	bool timed_out;
	size_t len;
	int rc;

	*errstr = NULL;
	rc = fm_tls_read_full(tls, header, sizeof(header), &timed_out);
	if (rc == 0)
		return FM_PROTOIO_CLOSED;
	if (rc < 0)
		return timed_out ? FM_PROTOIO_TIMEOUT : FM_PROTOIO_ERROR;
	if ((len = fm_proto_frame_length(header)) == 0) {
		*errstr = "frame too large or too small";
		return FM_PROTOIO_TOO_LARGE;
	}
	if ((buf = malloc(len)) == NULL)
		return FM_PROTOIO_ERROR;
	rc = fm_tls_read_full(tls, buf, len, &timed_out);
	if (rc > 0)
		st = fm_proto_decode(buf, len, m, errstr)
		    ? FM_PROTOIO_OK
		    : FM_PROTOIO_MALFORMED;
	else
		st = timed_out ? FM_PROTOIO_TIMEOUT : FM_PROTOIO_ERROR;
	fm_wipe(buf, len);
	free(buf);
	return st;
}
