/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "common/error.h"

struct npg_err_info {
    const char *msg;
    int http;
    const char *fault;
};

static const struct npg_err_info npg_errs[] = {
    [0] = {"success", 200, "Server"},
    [-NPG_ENOMEM] = {"out of memory", 500, "Server"},
    [-NPG_EINVAL] = {"invalid input", 400, "Client"},
    [-NPG_ENOTFOUND] = {"not found", 404, "Client"},
    [-NPG_EEXIST] = {"already exists", 409, "Client"},
    [-NPG_ESTATE] = {"not allowed in the current state", 409, "Client"},
    [-NPG_EDB] = {"database error", 500, "Server"},
    [-NPG_EDBDOWN] = {"database unreachable", 503, "Server"},
    [-NPG_EIO] = {"I/O error", 500, "Server"},
    [-NPG_ECONF] = {"configuration error", 500, "Server"},
    [-NPG_ETOOBIG] = {"over the configured limit", 400, "Client"},
    [-NPG_EAUTH] = {"authentication failed", 401, "Client"},
    [-NPG_EFORBIDDEN] = {"forbidden", 403, "Client"},
    [-NPG_EXML] = {"malformed or invalid XML", 400, "Client"},
    [-NPG_EXSLT] = {"stylesheet failure", 500, "Server"},
    [-NPG_EPEER] = {"remote peer failed", 502, "Server"},
    [-NPG_ETIMEOUT] = {"timed out", 504, "Server"},
    [-NPG_EUNAVAIL] = {"not configured or unavailable", 503, "Server"},
    [-NPG_EDUPLICATE] = {"duplicate message", 200, "Client"},
    [-NPG_ECONFLICT] = {"concurrent update, try again", 409, "Server"},
    [-NPG_ENOTSUP] = {"not supported", 405, "Client"},
};

static const struct npg_err_info *lookup(int err)
{
    if (err > 0 || err <= NPG_ERR_LAST_)
        return &npg_errs[-NPG_EIO];
    return &npg_errs[-err];
}

const char *npg_strerror(int err)
{
    if (err > 0 || err <= NPG_ERR_LAST_)
        return "unknown error";
    return lookup(err)->msg;
}

int npg_err_http_status(int err)
{
    return lookup(err)->http;
}

const char *npg_err_soap_fault(int err)
{
    return lookup(err)->fault;
}
