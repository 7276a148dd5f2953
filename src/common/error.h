/* SPDX-License-Identifier: GPL-3.0-or-later */
/* common/error.h - the one error enum of npgw, its messages, HTTP statuses and SOAP fault codes. */
#pragma once

/* Every failing npgw function returns one of these (negative); NPG_OK is 0. */
typedef enum npg_err {
    NPG_OK = 0,
    NPG_ENOMEM = -1,       /* out of memory */
    NPG_EINVAL = -2,       /* invalid argument or input */
    NPG_ENOTFOUND = -3,    /* no such object */
    NPG_EEXIST = -4,       /* object already exists */
    NPG_ESTATE = -5,       /* action not allowed in the object's current state */
    NPG_EDB = -6,          /* database error */
    NPG_EDBDOWN = -7,      /* database unreachable */
    NPG_EIO = -8,          /* I/O or system call failure */
    NPG_ECONF = -9,        /* configuration error */
    NPG_ETOOBIG = -10,     /* size or count over the configured limit */
    NPG_EAUTH = -11,       /* missing or wrong credentials */
    NPG_EFORBIDDEN = -12,  /* authenticated, but not allowed */
    NPG_EXML = -13,        /* malformed or invalid XML */
    NPG_EXSLT = -14,       /* stylesheet failure */
    NPG_EPEER = -15,       /* remote peer refused or failed */
    NPG_ETIMEOUT = -16,    /* operation timed out */
    NPG_EUNAVAIL = -17,    /* service not configured or unavailable */
    NPG_EDUPLICATE = -18,  /* repeated delivery of an already processed message */
    NPG_ECONFLICT = -19,   /* concurrent update lost the compare-and-set */
    NPG_ENOTSUP = -20,     /* operation not supported here */
    NPG_ERR_LAST_ = -21
} npg_err_t;

/* Static message for an error code; never NULL. */
const char *npg_strerror(int err);

/* HTTP status that a REST handler answers for this error (200 for NPG_OK). */
int npg_err_http_status(int err);

/* SOAP fault code: "Client" when the caller's input is at fault, "Server" otherwise. */
const char *npg_err_soap_fault(int err);

#define NPG_WUR __attribute__((warn_unused_result))
#define NPG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define NPG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
