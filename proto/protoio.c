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

/* What a failed read means for the message being received: a close
 * after the frame began is an error too (the frame was cut). */
static enum fm_protoio_status
read_failure(enum fm_tls_read r)
{
	return r == FM_TLS_READ_TIMEOUT ? FM_PROTOIO_TIMEOUT : FM_PROTOIO_ERROR;
}

enum fm_protoio_status
fm_protoio_recv(fm_tls_t *tls, struct fm_proto_msg *m, const char **errstr)
{
	uint8_t header[FM_PROTO_HEADERLEN], *buf;
	enum fm_protoio_status st;
	enum fm_tls_read r;
	size_t len;

	*errstr = NULL;
	if ((r = fm_tls_read_full(tls, header, sizeof(header))) ==
	    FM_TLS_READ_CLOSED)
		return FM_PROTOIO_CLOSED;
	if (r != FM_TLS_READ_OK)
		return read_failure(r);
	if ((len = fm_proto_frame_length(header)) == 0) {
		*errstr = "frame too large or too small";
		return FM_PROTOIO_TOO_LARGE;
	}
	if ((buf = malloc(len)) == NULL)
		return FM_PROTOIO_ERROR;
	if ((r = fm_tls_read_full(tls, buf, len)) == FM_TLS_READ_OK)
		st = fm_proto_decode(buf, len, m, errstr)
		    ? FM_PROTOIO_OK
		    : FM_PROTOIO_MALFORMED;
	else
		st = read_failure(r);
	fm_wipe(buf, len);
	free(buf);
	return st;
}
