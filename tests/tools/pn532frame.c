/*
 * pn532frame.c - host-to-PN532 UART frames, as the simulator reads them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "tests/tools/pn532frame.h"

enum fm_pn532frame_kind
fm_pn532frame_parse(const uint8_t *buf, size_t len, size_t *used,
    const uint8_t **cmd, size_t *cmdlen)
{
	size_t i, flen, hdr, n;
	uint8_t sum;

	*used = 0;
	/* Skip anything (wake-up 55 55 00..., stray bytes) up to 00 FF. */
	for (i = 0; i + 1 < len; i++)
		if (buf[i] == 0x00 && buf[i + 1] == 0xff)
			break;
	if (i + 1 >= len) {
		/* Keep a trailing 00: it may start the next frame. */
		*used = len > 0 && buf[len - 1] == 0x00 ? len - 1 : len;
		return FM_PN532FRAME_MORE;
	}
	*used = i;
	buf += i;
	len -= i;
	if (len < 4)
		return FM_PN532FRAME_MORE;
	if (buf[2] == 0x00 && buf[3] == 0xff) {
		*used += 4; /* ACK from the host: an abort */
		return FM_PN532FRAME_ACK;
	}
	if (buf[2] == 0xff && buf[3] == 0xff) {
		if (len < 7)
			return FM_PN532FRAME_MORE;
		if ((uint8_t)(buf[4] + buf[5] + buf[6]) != 0)
			goto bad;
		flen = (size_t)buf[4] << 8 | buf[5];
		hdr = 7;
	} else {
		if ((uint8_t)(buf[2] + buf[3]) != 0)
			goto bad;
		flen = buf[2];
		hdr = 4;
	}
	if (flen < 2)
		goto bad;
	if (len < hdr + flen + 2)
		return FM_PN532FRAME_MORE;
	if (buf[hdr] != 0xd4)
		goto bad;
	sum = 0;
	for (n = 0; n < flen + 1; n++)
		sum += buf[hdr + n];
	if (sum != 0 || buf[hdr + flen + 1] != 0x00)
		goto bad;
	*cmd = buf + hdr + 1;
	*cmdlen = flen - 1;
	*used += hdr + flen + 2;
	return FM_PN532FRAME_CMD;
bad:
	*used += 2; /* drop the start code and look again */
	return FM_PN532FRAME_BAD;
}
