/*
 * util: allocation that cannot fail, growable arrays and a string buffer.
 *
 * Running out of memory is the one failure jailnet does not unwind from: the
 * x* allocators print a message and abort, like nftables' xmalloc, so that
 * every other function can keep its error paths for real errors.
 */
#ifndef JAILNET_UTIL_H
#define JAILNET_UTIL_H

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/**
 * xmalloc(size), xcalloc(n, size), xrealloc(p, size):
 * Like malloc, calloc and realloc, but never return NULL: on exhaustion they
 * print a message to stderr and abort.  xmalloc(0) returns a unique pointer.
 */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);

/**
 * xstrdup(s), xstrndup(s, n):
 * Return a copy of ${s} (at most ${n} bytes of it, plus a NUL), owned by the
 * caller.  xstrdup(NULL) returns NULL.
 */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/**
 * xasprintf(fmt, ...), xvasprintf(fmt, ap):
 * Return a newly allocated string formatted like printf, owned by the caller.
 */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* NELEM(a): the number of elements of the array ${a} (not a pointer). */
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/**
 * VEC_PUSH(arr, n, cap):
 * Make room for one more element at the end of the array ${arr} holding ${n}
 * elements in space for ${cap}, and evaluate to a pointer to the new, zeroed
 * element; ${n} is incremented.  ${arr}, ${n} and ${cap} must be lvalues.
 */
#define VEC_PUSH(arr, n, cap)                                              \
	((n) == (cap) ? (void)((arr) = vec_grow((arr), &(cap), sizeof(*(arr)))) \
	              : (void)0,                                           \
	 vec_zero(&(arr)[(n)], sizeof(*(arr))), &(arr)[(n)++])

/* Helpers of VEC_PUSH; not for direct use. */
void *vec_grow(void *arr, size_t *cap, size_t elem_size);
void vec_zero(void *elem, size_t elem_size);

/* A growable NUL-terminated string.  Zero-initialise before use. */
struct strbuf {
	char *s;	/* NUL-terminated contents, or NULL while empty */
	size_t len;
	size_t cap;
};

/**
 * strbuf_add(sb, data, len), strbuf_adds(sb, s), strbuf_addc(sb, c),
 * strbuf_addf(sb, fmt, ...):
 * Append bytes, a string, one character or formatted text to ${sb}.
 */
void strbuf_add(struct strbuf *sb, const char *data, size_t len);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addc(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/**
 * strbuf_cstr(sb):
 * Return the contents of ${sb} as a string ("" while empty); still owned by
 * ${sb}.
 */
const char *strbuf_cstr(const struct strbuf *sb);

/**
 * strbuf_steal(sb):
 * Return the contents of ${sb} as a string owned by the caller (never NULL)
 * and leave ${sb} empty.
 */
char *strbuf_steal(struct strbuf *sb);

/**
 * strbuf_free(sb):
 * Release the contents of ${sb} and leave it empty.
 */
void strbuf_free(struct strbuf *sb);

/**
 * monotonic_ms(), monotonic_s():
 * The time of CLOCK_MONOTONIC, in milliseconds and in seconds: for
 * deadlines and durations, never for dates.
 */
double monotonic_ms(void);
double monotonic_s(void);

/**
 * strbuf_add_printable(sb, data, len, keep):
 * Append the ${len} bytes at ${data} to ${sb} with every control byte
 * (below 0x20, and 0x7f) that is not in the string ${keep}, every byte
 * that is not part of valid UTF-8 and the C1 controls (U+0080 to U+009F,
 * 0xc2 0x80 to 0xc2 0x9f) written as \xHH, so that text read from a
 * site's files cannot drive a terminal (an ESC sequence comes out as
 * \x1b[..., an 8-bit CSI as \x9b).  Valid UTF-8 text passes unchanged.
 */
void strbuf_add_printable(struct strbuf *sb, const char *data, size_t len,
    const char *keep);

/**
 * read_file(path, len, errnum):
 * Read the whole file ${path}.  Return its contents NUL-terminated and owned
 * by the caller, storing the length (without the NUL) in ${len} if not NULL;
 * or NULL with errno's value in ${errnum} if it cannot be read.
 */
char *read_file(const char *path, size_t *len, int *errnum);

/**
 * read_fd(fd, max, len, errnum):
 * Read what is left of the open file ${fd} (not closed), at most ${max}
 * bytes.  Return it NUL-terminated and owned by the caller, its length in
 * ${len} if not NULL; or NULL with ${errnum} set to errno's value, or to
 * EFBIG if the file holds more than ${max} bytes.
 */
char *read_fd(int fd, size_t max, size_t *len, int *errnum);

/**
 * write_file_atomic(path, data, len, mode, errnum):
 * Replace ${path} with the ${len} bytes of ${data}, mode ${mode}: written
 * to a temporary file beside it, synced, then renamed over it, so that a
 * reader sees the old file or the new one, never half of one (also after
 * a crash).  A link at the temporary name is not followed.  Return 0, or
 * -1 with errno's value in ${errnum} (the temporary file is removed).
 */
int write_file_atomic(const char *path, const void *data, size_t len,
    unsigned mode, int *errnum);

/**
 * sleep_ms(ms):
 * Sleep ${ms} milliseconds (less if a signal interrupts).
 */
void sleep_ms(long ms);

/**
 * block_lifecycle_signals(set):
 * Block SIGCHLD, SIGTERM, SIGINT and SIGHUP and store that set in ${set},
 * for a loop that takes them with sigtimedwait() (the supervisor, a
 * jail's init).  Cannot fail.
 */
void block_lifecycle_signals(sigset_t *set);

/**
 * close_fds_except(keep, n):
 * Close every file descriptor from 3 up but the ${n} in ${keep} (in any
 * order; duplicates allowed), as a child does before it runs on its own.
 * Cannot fail (close_range(2) of a free range does nothing).
 */
void close_fds_except(const int *keep, size_t n);

/**
 * remove_file(path):
 * Remove the file ${path} if it is there.  Return 0 (also when there was
 * none), or -1 with errno set.
 */
int remove_file(const char *path);

/**
 * make_dir(path, mode):
 * Create the directory ${path} with ${mode} unless it exists.  Return 0,
 * or -1 with errno set.
 */
int make_dir(const char *path, unsigned mode);

/**
 * remove_tree(path):
 * Remove ${path} and, if it is a directory, everything below it, never
 * following a symbolic link nor crossing into another mount.  A missing
 * ${path} is not an error.  Return 0, or -1 with errno set (what could be
 * removed before the failure is gone).
 */
int remove_tree(const char *path);

/**
 * make_dir_p(path, mode):
 * Create the directory ${path} and the missing ones above it, each with
 * ${mode}, as mkdir -p does.  Return 0, or -1 with errno set.
 */
int make_dir_p(const char *path, unsigned mode);

/**
 * str_eq(a, b):
 * Return true if the strings ${a} and ${b} are equal; NULL equals only NULL.
 */
bool str_eq(const char *a, const char *b);

/**
 * str_has_prefix(s, prefix), str_has_suffix(s, suffix):
 * Return true if ${s} starts (ends) with the given string.
 */
bool str_has_prefix(const char *s, const char *prefix);
bool str_has_suffix(const char *s, const char *suffix);

/**
 * path_is_under(path, dir):
 * Return true if the path ${path} is the directory ${dir} (trailing
 * slashes ignored) or below it: "/etc/ssh" and "/etc/ssh/x" are under
 * "/etc/ssh", "/etc/sshd" is not.  Compares the strings only.
 */
bool path_is_under(const char *path, const char *dir);

/**
 * parse_uint(s, min, max, out):
 * Parse the whole of ${s} as a decimal number in [${min}, ${max}] into
 * ${out}.  Return 0 on success, -1 if ${s} is not such a number (no sign,
 * no spaces, no leading "0x"; leading zeros are accepted).
 */
int parse_uint(const char *s, unsigned long min, unsigned long max,
    unsigned long *out);

/**
 * edit_distance(a, b, limit):
 * Return the Levenshtein distance between ${a} and ${b}, or ${limit} (at
 * most 100) if it is ${limit} or more, found without finishing the table;
 * used for "did you mean" hints.
 */
unsigned edit_distance(const char *a, const char *b, unsigned limit);

/**
 * closest_word(word, words, nwords):
 * Return the entry of ${words} closest to ${word} if it is close enough to
 * be a likely typo (distance at most 2, and at most half of its length),
 * otherwise NULL.
 */
const char *closest_word(const char *word, const char *const *words,
    size_t nwords);

#endif
