/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * soap/envelope.h - one SOAP envelope around one body element, written in memory: the
 * replies and notifications adapters build outside a gSOAP service call (UK, NPAC).
 */
#pragma once
struct soap;

/* Writes one body element (a generated soap_put_X with its tag). */
typedef int (*npg_soap_put_fn)(struct soap *s, const void *v);

/* The envelope with put's element as its body (malloc'd: free it), or NULL. */
char *npg_soap_envelope(struct soap *s, npg_soap_put_fn put, const void *v);

/* A context for writing one envelope (UTF-8 strings, npgw's namespaces), or NULL; give it
 * back with npg_soap_writer_done, which passes out through. */
struct soap *npg_soap_writer(void);
char *npg_soap_writer_done(struct soap *s, char *out);

/* put for a SOAP-ENV:Fault. */
int npg_soap_put_fault(struct soap *s, const void *fault);
