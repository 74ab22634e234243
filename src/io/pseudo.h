/* pseudo.h: patient pseudonyms for everything claimwatch writes.
 *
 * A patient id leaves the machine only as a keyed hash (SipHash-2-4 with a
 * 128-bit secret key): "P-" and 16 hex digits, the same for the same patient in
 * every month and file, useless without the key. The key comes from the
 * environment (CLAIMWATCH_PSEUDONYM_KEY, 32 hex digits) or from a key file
 * (default ROOT/.pseudonym-key, created with a random key and mode 0600 when
 * missing). With reveal set, the raw id is written instead. */
#ifndef CW_PSEUDO_H
#define CW_PSEUDO_H
#include <stdint.h>

typedef struct cw_pseudo {
	uint8_t key[16];
	int reveal;
} cw_pseudo;

#define CW_PSEUDO_SIZE 20

/* key_file NULL: ROOT/.pseudonym-key. */
int cw_pseudo_init(cw_pseudo *ps, const char *root, const char *key_file, int reveal);
/* The label of a patient id (its pseudonym, or the id itself when revealing). */
const char *cw_pseudo_patient(char buf[CW_PSEUDO_SIZE], const cw_pseudo *ps, const char *patient_id);
uint64_t cw_siphash24(const uint8_t key[16], const void *data, size_t len);

#endif
