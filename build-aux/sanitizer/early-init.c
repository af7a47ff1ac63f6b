/* early-init.c: preloaded after the ASan runtime into uninstrumented
 * programs (slapd, slaptest, slapadd) by ./preload.
 *
 * Why: with LD_PRELOAD, libasan's constructor runs after those of the
 * program's own libraries, so its first malloc() initialises ASan lazily.
 * In slapd that first malloc() is inside newlocale(), called by
 * libp11-kit's constructor with glibc's __libc_setlocale_lock write-held;
 * ASan's initialisation calls dlerror() -> dcgettext(), which takes and
 * releases the same lock as a reader and corrupts it.  The program then
 * hangs at exit in p11-kit's destructor (freelocale() waits for the lock
 * forever).  This newlocale() forces ASan's initialisation first, with no
 * lock held, then calls the real one.  Not instrumented; no other effect.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <locale.h>
#include <stdlib.h>

locale_t newlocale(int mask, const char *locale, locale_t base)
{
	static locale_t (*real)(int, const char *, locale_t);

	if (real == NULL) {
		void *volatile p = malloc(1);	/* initialises ASan */

		free(p);
		real = (locale_t (*)(int, const char *, locale_t))
		    dlsym(RTLD_NEXT, "newlocale");
		if (real == NULL)
			abort();
	}
	return real(mask, locale, base);
}
