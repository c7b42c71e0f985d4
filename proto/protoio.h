/*
 * protoio.h - sending and receiving protocol frames over TLS.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PROTOIO_H
#define FM_PROTOIO_H

#include <stdbool.h>

#include "common/tls.h"
#include "proto/proto.h"

enum fm_protoio_status {
	FM_PROTOIO_OK,
	FM_PROTOIO_CLOSED,    /* the peer ended the stream cleanly */
	FM_PROTOIO_TIMEOUT,   /* nothing arrived in time */
	FM_PROTOIO_TOO_LARGE, /* a frame over FM_PROTO_MAXMSG */
	FM_PROTOIO_MALFORMED, /* a frame that does not decode */
	FM_PROTOIO_ERROR,     /* transport error */
};

/* 'fm_protoio_send()' - encode and send m; false if it cannot be encoded or
 * sent. */
bool fm_protoio_send(fm_tls_t *tls, const struct fm_proto_msg *m);

/*
 * 'fm_protoio_recv()' - read one frame into m (wiped on failure).
 * A too large frame is not read: the caller should report and close.
 * errstr receives the decoder's reason for MALFORMED.
 */
enum fm_protoio_status fm_protoio_recv(
    fm_tls_t *tls, struct fm_proto_msg *m, const char **errstr);

#endif
