#include "lib/util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void
out_of_memory(void)
{
	fputs("jailnet: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		out_of_memory();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		out_of_memory();
	return p;
}

void *
xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (q == NULL)
		out_of_memory();
	return q;
}

char *
xstrdup(const char *s)
{
	return s == NULL ? NULL : xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	int len;
	char *p;

	va_copy(ap2, ap);
	len = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (len < 0)
		out_of_memory();
	p = xmalloc((size_t)len + 1);
	vsnprintf(p, (size_t)len + 1, fmt, ap);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void *
vec_grow(void *arr, size_t *cap, size_t elem_size)
{
	size_t ncap = *cap ? *cap * 2 : 4;

	if (ncap > SIZE_MAX / elem_size)
		out_of_memory();
	*cap = ncap;
	return xrealloc(arr, ncap * elem_size);
}

void
vec_zero(void *elem, size_t elem_size)
{
	memset(elem, 0, elem_size);
}

void
strbuf_add(struct strbuf *sb, const char *data, size_t len)
{
	if (sb->len + len + 1 > sb->cap) {
		size_t ncap = sb->cap ? sb->cap : 32;

		while (ncap < sb->len + len + 1)
			ncap *= 2;
		sb->s = xrealloc(sb->s, ncap);
		sb->cap = ncap;
	}
	if (len > 0)
		memcpy(sb->s + sb->len, data, len);
	sb->len += len;
	sb->s[sb->len] = '\0';
}

void
strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void
strbuf_addc(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	strbuf_adds(sb, p);
	free(p);
}

const char *
strbuf_cstr(const struct strbuf *sb)
{
	return sb->s ? sb->s : "";
}

char *
strbuf_steal(struct strbuf *sb)
{
	char *p = sb->s ? sb->s : xstrdup("");

	sb->s = NULL;
	sb->len = sb->cap = 0;
	return p;
}

void
strbuf_free(struct strbuf *sb)
{
	free(sb->s);
	sb->s = NULL;
	sb->len = sb->cap = 0;
}

/* The length of the valid UTF-8 sequence at ${p} (${n} bytes there), or
   0 if none starts there (RFC 3629: no overlong form, no surrogate). */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

double
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double
monotonic_s(void)
{
	return monotonic_ms() / 1e3;
}

void
strbuf_add_printable(struct strbuf *sb, const char *data, size_t len,
    const char *keep)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t i, k, u;

	for (i = 0; i < len; i += u) {
		u = 1;
		if (p[i] < 0x80) {
			if ((p[i] < 0x20 || p[i] == 0x7f) && (p[i] == '\0' ||
			    strchr(keep, p[i]) == NULL))
				strbuf_addf(sb, "\\x%02x", p[i]);
			else
				strbuf_addc(sb, (char)p[i]);
			continue;
		}
		/* Not UTF-8 (a lone 0x9b is CSI to an 8-bit terminal), or a
		   C1 control (U+0080 to U+009F): escaped byte by byte. */
		u = utf8_len(p + i, len - i);
		if (u == 0 || (u == 2 && p[i] == 0xc2 && p[i + 1] <= 0x9f)) {
			u = u == 0 ? 1 : u;
			for (k = 0; k < u; k++)
				strbuf_addf(sb, "\\x%02x", p[i + k]);
		} else {
			strbuf_add(sb, data + i, u);
		}
	}
}

char *
read_file(const char *path, size_t *len, int *errnum)
{
	char *text;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		*errnum = errno;
		return NULL;
	}
	text = read_fd(fd, SIZE_MAX - 1, len, errnum);
	close(fd);
	return text;
}

char *
read_fd(int fd, size_t max, size_t *len, int *errnum)
{
	struct strbuf sb = { 0 };
	char chunk[8192];
	ssize_t got;

	for (;;) {
		got = read(fd, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			*errnum = errno;
			strbuf_free(&sb);
			return NULL;
		}
		if (got == 0)
			break;
		/* One byte past ${max} is enough to know it is too big. */
		if ((size_t)got > max - sb.len) {
			*errnum = EFBIG;
			strbuf_free(&sb);
			return NULL;
		}
		strbuf_add(&sb, chunk, (size_t)got);
	}
	if (len != NULL)
		*len = sb.len;
	return strbuf_steal(&sb);
}

int
write_file_atomic(const char *path, const void *data, size_t len,
    unsigned mode, int *errnum)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	const char *p = data;
	ssize_t n;
	int fd;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    (mode_t)mode);
	if (fd < 0)
		goto fail;
	/* The umask must not narrow or widen what the caller asked. */
	if (fchmod(fd, (mode_t)mode) != 0)
		goto fail;
	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	free(tmp);
	return 0;
fail:
	*errnum = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int
make_dir_p(const char *path, unsigned mode)
{
	char *copy = xstrdup(path), *p;
	int rc = 0;

	for (p = copy + 1; rc == 0 && *p != '\0'; p++)
		if (*p == '/') {
			*p = '\0';
			rc = make_dir(copy, mode);
			*p = '/';
		}
	if (rc == 0)
		rc = make_dir(copy, mode);
	free(copy);
	return rc;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

void
close_fds_except(const int *keep, size_t n)
{
	int *k = xcalloc(n + 1, sizeof(*k));
	unsigned from = 3;
	size_t i;

	if (n > 0)
		memcpy(k, keep, n * sizeof(*k));
	qsort(k, n, sizeof(*k), cmp_int);
	for (i = 0; i < n; i++) {
		if (k[i] < (int)from)
			continue;
		if ((unsigned)k[i] > from)
			close_range(from, (unsigned)k[i] - 1, 0);
		from = (unsigned)k[i] + 1;
	}
	close_range(from, ~0U, 0);
	free(k);
}

int
remove_file(const char *path)
{
	if (unlink(path) != 0 && errno != ENOENT)
		return -1;
	return 0;
}

int
make_dir(const char *path, unsigned mode)
{
	if (mkdir(path, (mode_t)mode) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* nftw()'s step of remove_tree(): children first, links not followed. */
static int
remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) != 0 ? -1 : 0;
	return unlink(path) != 0 ? -1 : 0;
}

int
remove_tree(const char *path)
{
	struct stat sb;

	if (lstat(path, &sb) != 0)
		return errno == ENOENT ? 0 : -1;
	return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

bool
str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool
str_has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

bool
path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' ||
	    path[n] == '/');
}

int
parse_uint(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	unsigned long v = 0;
	const char *p;

	if (*s == '\0')
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (v > (max - (unsigned long)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < min)
		return -1;
	*out = v;
	return 0;
}

unsigned
edit_distance(const char *a, const char *b, unsigned limit)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned row[101], prev, tmp, low;

	if (limit > 100)
		limit = 100;
	if (la > 100 || lb > 100)
		return limit;
	for (j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (unsigned)i;
		low = row[0];
		for (j = 1; j <= lb; j++) {
			unsigned best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
			if (best < low)
				low = best;
		}
		/* No cell of a row is below the smallest of the one before. */
		if (low >= limit)
			return limit;
	}
	return row[lb] > limit ? limit : row[lb];
}

const char *
closest_word(const char *word, const char *const *words, size_t nwords)
{
	const char *best = NULL;
	unsigned best_d = 3, d;
	size_t i, n = strlen(word), m;

	for (i = 0; i < nwords; i++) {
		/* The distance is at least the difference of the lengths. */
		m = strlen(words[i]);
		if ((m > n ? m - n : n - m) >= best_d)
			continue;
		d = edit_distance(word, words[i], best_d);
		if (d < best_d) {
			best_d = d;
			best = words[i];
		}
	}
	if (best != NULL && best_d * 2 > n)
		return NULL;
	return best;
}

void
block_lifecycle_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	sigprocmask(SIG_BLOCK, set, NULL);
}
