/*
 * fuzz_proto.c - fuzz target for the terminal protocol decoder: what
 * decodes must re-encode and decode to the same message.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fm_proto_msg m, again;
	static uint8_t buf[FM_PROTO_HEADERLEN + FM_PROTO_MAXMSG];
	const char *err;
	size_t len;

	if (size >= FM_PROTO_HEADERLEN)
		fm_proto_frame_length(data);
	if (!fm_proto_decode(data, size, &m, &err))
		return 0;
	len = fm_proto_encode(&m, buf, sizeof(buf));
	if (len == 0 ||
	    !fm_proto_decode(buf + FM_PROTO_HEADERLEN, len - FM_PROTO_HEADERLEN,
	        &again, &err) ||
	    memcmp(&m, &again, sizeof(m)) != 0)
		abort();
	return 0;
}
