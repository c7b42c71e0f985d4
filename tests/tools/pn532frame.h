/*
 * pn532frame.h - host-to-PN532 UART frames, as the simulator reads them.
 *
 *   normal:   00 00 FF LEN LCS D4 CMD data... DCS 00
 *   extended: 00 00 FF FF FF LENM LENL LCS D4 CMD data... DCS 00
 *   ACK:      00 00 FF 00 FF 00 (from the host: abort the command)
 *
 * LEN counts D4, CMD and data; LCS makes LEN + LCS = 0 (mod 256); DCS
 * makes the sum of D4, CMD, data and DCS 0.  Wake-up bytes (55 55 00...)
 * and other junk before the 00 FF start code are skipped.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PN532FRAME_H
#define FM_PN532FRAME_H

#include <stddef.h>
#include <stdint.h>

enum fm_pn532frame_kind {
	FM_PN532FRAME_MORE, /* no complete frame yet: read more */
	FM_PN532FRAME_ACK,  /* an ACK (abort) from the host */
	FM_PN532FRAME_CMD,  /* a command: *cmd, *cmdlen are set */
	FM_PN532FRAME_BAD,  /* a corrupt frame: dropped, look again */
};

/*
 * 'fm_pn532frame_parse()' - find the next frame in buf (len bytes).
 *
 * *used is how many bytes the caller may drop (junk, wake-up bytes and
 * the frame itself; with MORE, only what cannot start a frame).  For CMD,
 * *cmd points into buf at the command code and *cmdlen (at least 1)
 * counts it and its data.
 */
enum fm_pn532frame_kind fm_pn532frame_parse(const uint8_t *buf, size_t len,
    size_t *used, const uint8_t **cmd, size_t *cmdlen);

#endif
