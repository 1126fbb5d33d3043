/*
 * nft_run: libnftables in a namespace.
 */
#include "kernel/nft_run.h"

#include <errno.h>
#include <nftables/libnftables.h>
#include <string.h>
#include <unistd.h>

#include "kernel/netns.h"

/* Copy into ${err} the first lines of nft's error text, squeezed. */
static void
set_nft_error(struct nl_error *err, const char *text)
{
	char line[sizeof(err->msg)];
	size_t i, n = 0;

	for (i = 0; text != NULL && text[i] != '\0' && n + 1 < sizeof(line);
	    i++) {
		if (text[i] == '\n') {
			/* Keep the message and its source line, not the
			   caret line, which needs the original layout. */
			if (n > 0 && line[n - 1] != ' ')
				line[n++] = ' ';
			continue;
		}
		line[n++] = text[i];
	}
	while (n > 0 && line[n - 1] == ' ')
		n--;
	line[n] = '\0';
	nl_error_set(err, EINVAL, "nft: %s", n > 0 ? line :
	    "the transaction failed without a message");
}

/* nft_run_in_netns(), or only its check if ${dry_run}. */
static int
run_in_netns(int fd, const char *cmds, bool json, bool dry_run,
    struct strbuf *out, struct nl_error *err)
{
	struct nft_ctx *ctx;
	int saved = -1, rc = -1;
	struct nl_error back;

	if (fd >= 0 && netns_enter(fd, &saved, err) != 0)
		return -1;
	/* The context opens its netlink socket here, in the namespace. */
	if ((ctx = nft_ctx_new(NFT_CTX_DEFAULT)) == NULL) {
		nl_error_set(err, ENOMEM, "nft: cannot create a context");
		goto restore;
	}
	if (nft_ctx_buffer_output(ctx) != 0 ||
	    nft_ctx_buffer_error(ctx) != 0) {
		nl_error_set(err, ENOMEM, "nft: cannot buffer its output");
		goto free_ctx;
	}
	/* The kernel checks the transaction, then discards it. */
	if (dry_run)
		nft_ctx_set_dry_run(ctx, true);
	if (json)
		nft_ctx_output_set_flags(ctx, nft_ctx_output_get_flags(ctx) |
		    NFT_CTX_OUTPUT_JSON);
	if (nft_run_cmd_from_buffer(ctx, cmds) != 0) {
		set_nft_error(err, nft_ctx_get_error_buffer(ctx));
		goto free_ctx;
	}
	if (out != NULL)
		strbuf_adds(out, nft_ctx_get_output_buffer(ctx));
	rc = 0;
free_ctx:
	nft_ctx_free(ctx);
restore:
	if (saved >= 0 && netns_restore(saved, &back) != 0) {
		*err = back;
		rc = -1;
	}
	return rc;
}

int
nft_run_in_netns(int fd, const char *cmds, bool json, struct strbuf *out,
    struct nl_error *err)
{
	return run_in_netns(fd, cmds, json, false, out, err);
}

int
nft_check_in_netns(int fd, const char *cmds, struct nl_error *err)
{
	return run_in_netns(fd, cmds, false, true, NULL, err);
}
