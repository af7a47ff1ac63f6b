/*
 * dw_secretbox.c: secrets at rest under a key from a root-only file
 * (libsodium crypto_secretbox, XSalsa20-Poly1305).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "dw_secretbox.h"

#define KEY_HEX_LEN	(2 * DW_SECRETBOX_KEY_BYTES)
#define MSG_MAX		128	/* what DW_SECRETBOX_MAX is sized for */
#define RAW_MAX		(crypto_secretbox_NONCEBYTES + \
			 crypto_secretbox_MACBYTES + MSG_MAX)

int
dw_secretbox_key_load(const char *path,
    unsigned char key[DW_SECRETBOX_KEY_BYTES])
{
	char buf[KEY_HEX_LEN + 2];
	unsigned char tmp[DW_SECRETBOX_KEY_BYTES];
	struct stat st;
	size_t n = 0, bl = 0;
	ssize_t r;
	const char *end = NULL;
	int fd = -1, rc = DW_ERR_IO;

	if (path == NULL || key == NULL)
		return DW_ERR_INVAL;
	if (sodium_init() < 0)
		return DW_ERR_CRYPTO;
	/* O_NONBLOCK: a FIFO planted at the path must not hang the caller;
	 * it is refused by the S_ISREG check below. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		rc = errno == ELOOP ? DW_ERR_UNSAFE : DW_ERR_IO;
		goto out;
	}
	if (fstat(fd, &st) != 0)
		goto out;
	if (!S_ISREG(st.st_mode) || (st.st_uid != 0 &&
	    st.st_uid != geteuid()) || (st.st_mode & 077) != 0) {
		rc = DW_ERR_UNSAFE;
		goto out;
	}
	/* Read one byte more than a valid file can hold, to see overlong
	 * content. */
	while (n < sizeof(buf)) {
		r = read(fd, buf + n, sizeof(buf) - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto out;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	rc = DW_ERR_INVAL;
	if (n == KEY_HEX_LEN + 1 && buf[KEY_HEX_LEN] == '\n')
		n--;
	if (n != KEY_HEX_LEN)
		goto out;
	if (sodium_hex2bin(tmp, sizeof(tmp), buf, n, NULL, &bl, &end) != 0 ||
	    bl != sizeof(tmp) || end != buf + n)
		goto out;
	memcpy(key, tmp, sizeof(tmp));
	rc = DW_OK;
out:
	sodium_memzero(buf, sizeof(buf));
	sodium_memzero(tmp, sizeof(tmp));
	if (fd >= 0)
		close(fd);
	return rc;
}

int
dw_secretbox_key_create(const char *path)
{
	unsigned char key[DW_SECRETBOX_KEY_BYTES];
	char hex[KEY_HEX_LEN + 2];
	size_t off = 0, len = KEY_HEX_LEN + 1;
	ssize_t w;
	int fd = -1, rc = DW_ERR_IO;

	if (path == NULL || *path == '\0')
		return DW_ERR_INVAL;
	if (sodium_init() < 0)
		return DW_ERR_CRYPTO;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return DW_ERR_IO;
	/* The umask may only have removed bits; make the mode exact. */
	if (fchmod(fd, 0600) != 0)
		goto out;
	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(hex, KEY_HEX_LEN + 1, key, sizeof(key));
	hex[KEY_HEX_LEN] = '\n';
	hex[KEY_HEX_LEN + 1] = '\0';
	while (off < len) {
		w = write(fd, hex + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto out;
		off += (size_t)w;
	}
	if (fsync(fd) != 0)
		goto out;
	rc = DW_OK;
out:
	sodium_memzero(key, sizeof(key));
	sodium_memzero(hex, sizeof(hex));
	if (close(fd) != 0)
		rc = DW_ERR_IO;
	/* Never leave a half-written key that a later load would refuse
	 * (or worse, accept). */
	if (rc != DW_OK)
		unlink(path);
	return rc;
}

int
dw_secretbox_seal(const unsigned char key[DW_SECRETBOX_KEY_BYTES],
    const unsigned char *msg, size_t len, char *out, size_t outsz)
{
	unsigned char raw[RAW_MAX];
	size_t rawlen, need, pl = sizeof(DW_SECRETBOX_PREFIX) - 1;
	int rc = DW_ERR_CRYPTO;

	if (key == NULL || msg == NULL || out == NULL || len == 0)
		return DW_ERR_INVAL;
	if (len > MSG_MAX)
		return DW_ERR_TOOLONG;
	rawlen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
	need = pl + sodium_base64_ENCODED_LEN(rawlen,
	    sodium_base64_VARIANT_ORIGINAL);
	if (outsz < need)
		return DW_ERR_TOOLONG;
	if (sodium_init() < 0)
		return DW_ERR_CRYPTO;
	randombytes_buf(raw, crypto_secretbox_NONCEBYTES);
	if (crypto_secretbox_easy(raw + crypto_secretbox_NONCEBYTES, msg, len,
	    raw, key) != 0)
		goto out;
	memcpy(out, DW_SECRETBOX_PREFIX, pl);
	sodium_bin2base64(out + pl, outsz - pl, raw, rawlen,
	    sodium_base64_VARIANT_ORIGINAL);
	rc = DW_OK;
out:
	sodium_memzero(raw, sizeof(raw));
	return rc;
}

int
dw_secretbox_open(const unsigned char key[DW_SECRETBOX_KEY_BYTES],
    const char *in, size_t inlen, unsigned char *out, size_t outsz,
    size_t *outlen)
{
	unsigned char raw[RAW_MAX];
	unsigned char msg[MSG_MAX];
	size_t pl = sizeof(DW_SECRETBOX_PREFIX) - 1, rawlen = 0, mlen;
	const char *end = NULL;
	int rc = DW_ERR_INVAL;

	if (key == NULL || in == NULL || out == NULL || outlen == NULL)
		return DW_ERR_INVAL;
	if (inlen <= pl || memcmp(in, DW_SECRETBOX_PREFIX, pl) != 0)
		return DW_ERR_INVAL;
	if (inlen - pl > sodium_base64_ENCODED_LEN(RAW_MAX,
	    sodium_base64_VARIANT_ORIGINAL) - 1)
		return DW_ERR_INVAL;
	if (sodium_init() < 0)
		return DW_ERR_CRYPTO;
	if (sodium_base642bin(raw, sizeof(raw), in + pl, inlen - pl, NULL,
	    &rawlen, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != in + inlen)
		goto out;
	if (rawlen <= crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
		goto out;
	mlen = rawlen - crypto_secretbox_NONCEBYTES -
	    crypto_secretbox_MACBYTES;
	if (crypto_secretbox_open_easy(msg, raw + crypto_secretbox_NONCEBYTES,
	    rawlen - crypto_secretbox_NONCEBYTES, raw, key) != 0) {
		rc = DW_ERR_DENIED;
		goto out;
	}
	if (mlen > outsz) {
		rc = DW_ERR_TOOLONG;
		goto out;
	}
	memcpy(out, msg, mlen);
	*outlen = mlen;
	rc = DW_OK;
out:
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(msg, sizeof(msg));
	return rc;
}
