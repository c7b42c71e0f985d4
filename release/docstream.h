/*
 * docstream.h - a held document's plaintext streamed to the printer.
 *
 * Decryption is the bound of a large release (ChaCha20 at about 360 MB/s
 * on one core): documents of two chunks or more are decrypted by two
 * child processes, each taking every other chunk, while this process
 * sends what they produce in order.  Call it only for a document whose
 * tags were verified (fm_spool_verify): a chunk that fails here still
 * stops the stream, but after earlier ones were sent.
 */
#ifndef FM_DOCSTREAM_H
#define FM_DOCSTREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "common/sealed.h"
#include "release/printer.h"
#include "spooler/spool.h"

/*
 * 'fm_docstream_send()' - decrypt document name (size bytes of plaintext)
 * and write it to printer p (fm_printer_write).  False, with *status
 * (FM_SEALED_IO when the printer stopped taking data), on any failure.
 */
bool fm_docstream_send(fm_spool_t *spool, const char *name,
    const char *identity, uint64_t size, fm_printer_t *p,
    enum fm_sealed_status *status);

#endif
