/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "xml/canon.h"

#include <libxml/tree.h>
#include <libxml/xmlstring.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "xml/xml.h"

/* A canonical message is small; these bound what npg_canon_parse accepts. */
#define CANON_MAX_BYTES (64 * 1024)
#define CANON_MAX_DEPTH 3

typedef enum kind { K_STR, K_TIME, K_BOOL, K_INT, K_RANGES } kind_t;
typedef bool (*check_fn)(const char *s);

/* Field indices, in schema order (the order of the table below). */
/* clang-format off */
enum {
    F_TYPE, F_MESSAGE_ID, F_MSGIDENTIFIER, F_TIMESTAMP, F_SENDER, F_RECEIVER, F_DONOR,
    F_RECIPIENT, F_ACCOUNT_TYPE, F_NUMBER_TYPE, F_CONTACT_NUMBER, F_EMAIL, F_OVERRIDE_COOLOFF,
    F_RANGES, F_DECISION, F_REJECT_CODE, F_REASON, F_PORT_TIME, F_NUMBER, F_CURRENT_OPERATOR,
    F_ORIGINAL_OPERATOR, F_PORTED, F_LAST_PORT_TIME, F_PAC, F_CH_REF, F_CH_STATUS,
    F_ROUTING_NUMBER, F_SEQUENCE, F_COUNT
};
/* clang-format on */
#define M(f) (1u << (f))

typedef struct field {
    const char *name;
    kind_t kind;
    size_t off, size;
    check_fn check;   /* K_STR: syntax of a present value, NULL: see choices */
    const char *rule; /* K_STR: what check wants, or the allowed words "|a|b|" */
} field_t;

/* Every type needs these; the table adds what each type's wire element requires. */
#define BASE (M(F_TYPE) | M(F_MESSAGE_ID) | M(F_MSGIDENTIFIER) | M(F_TIMESTAMP))
#define HDR (BASE | M(F_SENDER) | M(F_RECEIVER))

static const struct {
    const char *name;
    unsigned need;
} types[] = {
    {"porting_request", HDR | M(F_DONOR) | M(F_RECIPIENT) | M(F_ACCOUNT_TYPE) | M(F_NUMBER_TYPE) |
                            M(F_CONTACT_NUMBER) | M(F_EMAIL) | M(F_OVERRIDE_COOLOFF) | M(F_RANGES)},
    {"instruction", HDR},
    {"abort", HDR},
    {"authorisation_answer", HDR | M(F_DECISION)},
    {"termination", HDR | M(F_NUMBER) | M(F_NUMBER_TYPE)},
    {"number_information_request", HDR | M(F_NUMBER)},
    {"number_information",
     BASE | M(F_NUMBER) | M(F_CURRENT_OPERATOR) | M(F_ORIGINAL_OPERATOR) | M(F_PORTED)},
    /* no account type: not every clearinghouse carries one (NPAC) */
    {"authorisation_request", HDR | M(F_RECIPIENT) | M(F_DONOR) | M(F_NUMBER_TYPE) | M(F_RANGES)},
    {"authorisation_response", HDR | M(F_DECISION)},
    {"instruction_response", HDR},
    {"ported", HDR | M(F_RECIPIENT) | M(F_PORT_TIME)},
    {"timedout", HDR},
    {"terminated", HDR | M(F_NUMBER)},
    {"status", HDR | M(F_CH_STATUS)},
    {"conflict", HDR | M(F_REJECT_CODE)},
    {"cancelled", HDR},
    {"authorisation_lapsed", HDR},
    {"port_failed", HDR},
    {"conflict_resolve", HDR},
    {"cancel_ack", HDR},
};

static int find_type(const char *s)
{
    for (size_t i = 0; i < NPG_ARRAY_LEN(types); i++)
        if (strcmp(types[i].name, s) == 0)
            return (int)i;
    return -1;
}

static bool check_type(const char *s)
{
    return find_type(s) >= 0;
}

/* True when s is min..max characters, each in set (or a digit/capital as set names). */
static bool span_ok(const char *s, const char *set, size_t min, size_t max)
{
    size_t n = strspn(s, set);
    return s[n] == '\0' && n >= min && n <= max;
}

#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define DIGIT "0123456789"

static bool check_message_id(const char *s)
{
    return span_ok(s, UPPER LOWER DIGIT "._:-", 1, 64);
}

static bool check_operator(const char *s)
{
    return span_ok(s, UPPER DIGIT, 2, 10);
}

static bool check_digits(const char *s)
{
    return span_ok(s, DIGIT, 1, 15);
}

/* [A-Z]{2}[0-9]{6}-[A-Z0-9]{2,10}-[0-9]{5} */
static bool check_msgidentifier(const char *s)
{
    size_t n = strlen(s);
    if (n < 17 || n > 25 || strspn(s, UPPER) != 2 || strspn(s + 2, DIGIT) != 6 || s[8] != '-')
        return false;
    const char *op = s + 9;
    size_t oplen = strspn(op, UPPER DIGIT);
    if (oplen < 2 || oplen > 10 || op[oplen] != '-')
        return false;
    return span_ok(op + oplen + 1, DIGIT, 5, 5);
}

/* A UK porting authorisation code: [A-Z]{3}[0-9]{6} */
static bool check_pac(const char *s)
{
    return strlen(s) == 9 && strspn(s, UPPER) == 3 && span_ok(s + 3, DIGIT, 6, 6);
}

/* True when s is one of the words of list, written "|word|word|". */
static bool one_of(const char *s, const char *list)
{
    char key[32];
    if (!*s || strlen(s) > sizeof(key) - 3 || strchr(s, '|'))
        return false;
    snprintf(key, sizeof(key), "|%s|", s);
    return strstr(list, key) != NULL;
}

/* [^@\s]+@[^@\s]+, at most 254 */
static bool check_email(const char *s)
{
    const char *at = strchr(s, '@');
    return at && at != s && at[1] && !strchr(at + 1, '@') && strlen(s) <= 254 &&
           !strpbrk(s, " \t\r\n");
}

/* Valid UTF-8 without the control characters XML 1.0 cannot carry. */
static bool text_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
            return false;
    return xmlCheckUTF8((const xmlChar *)s) != 0;
}

static bool check_ch_ref(const char *s)
{
    return span_ok(s, UPPER LOWER DIGIT "._:-", 1, 32);
}

static bool check_ch_status(const char *s)
{
    return s[0] >= 'a' && s[0] <= 'z' && span_ok(s + 1, LOWER "-", 0, 23);
}

static bool check_sequence(const char *s)
{
    return span_ok(s, DIGIT, 1, 18);
}

static bool check_clearinghouse(const char *s)
{
    return s[0] >= 'a' && s[0] <= 'z' && span_ok(s + 1, LOWER DIGIT "_", 0, 14);
}

#define S(field) offsetof(npg_canon_msg_t, field), sizeof(((npg_canon_msg_t *)0)->field)

static const field_t fields[F_COUNT] = {
    [F_TYPE] = {"type", K_STR, S(type), check_type, "a known message type"},
    [F_MESSAGE_ID] = {"message_id", K_STR, S(message_id), check_message_id,
                      "1 to 64 of A-Z a-z 0-9 . _ : -"},
    [F_MSGIDENTIFIER] = {"msgidentifier", K_STR, S(msgidentifier), check_msgidentifier,
                         "like XX202501-CARR-00001"},
    [F_TIMESTAMP] = {"timestamp", K_TIME, S(timestamp), NULL, NULL},
    [F_SENDER] = {"sender", K_STR, S(sender), check_operator, "2 to 10 of A-Z 0-9"},
    [F_RECEIVER] = {"receiver", K_STR, S(receiver), check_operator, "2 to 10 of A-Z 0-9"},
    [F_DONOR] = {"donor", K_STR, S(donor), check_operator, "2 to 10 of A-Z 0-9"},
    [F_RECIPIENT] = {"recipient", K_STR, S(recipient), check_operator, "2 to 10 of A-Z 0-9"},
    [F_ACCOUNT_TYPE] = {"account_type", K_STR, S(account_type), NULL, "|Prepaid|Postpaid|"},
    [F_NUMBER_TYPE] = {"number_type", K_STR, S(number_type), NULL, "|mobile|fixed|"},
    [F_CONTACT_NUMBER] = {"contact_number", K_STR, S(contact_number), check_digits,
                          "1 to 15 digits"},
    [F_EMAIL] = {"email", K_STR, S(email), check_email, "an address like name@domain"},
    [F_OVERRIDE_COOLOFF] = {"override_cooloff", K_BOOL, S(override_cooloff), NULL, NULL},
    [F_RANGES] = {"ranges", K_RANGES, S(ranges), NULL, NULL},
    [F_DECISION] = {"decision", K_STR, S(decision), NULL, "|accept|reject|"},
    [F_REJECT_CODE] = {"reject_code", K_INT, S(reject_code), NULL, NULL},
    [F_REASON] = {"reason", K_STR, S(reason), NULL, NULL},
    [F_PORT_TIME] = {"port_time", K_TIME, S(port_time), NULL, NULL},
    [F_NUMBER] = {"number", K_STR, S(number), check_digits, "1 to 15 digits"},
    [F_CURRENT_OPERATOR] = {"current_operator", K_STR, S(current_operator), check_operator,
                            "2 to 10 of A-Z 0-9"},
    [F_ORIGINAL_OPERATOR] = {"original_operator", K_STR, S(original_operator), check_operator,
                             "2 to 10 of A-Z 0-9"},
    [F_PORTED] = {"ported", K_BOOL, S(ported), NULL, NULL},
    [F_LAST_PORT_TIME] = {"last_port_time", K_TIME, S(last_port_time), NULL, NULL},
    [F_PAC] = {"pac", K_STR, S(pac), check_pac, "3 capitals and 6 digits"},
    [F_CH_REF] = {"ch_ref", K_STR, S(ch_ref), check_ch_ref, "1 to 32 of A-Z a-z 0-9 . _ : -"},
    [F_CH_STATUS] = {"ch_status", K_STR, S(ch_status), check_ch_status,
                     "a lower-case word (a-z and -), up to 24"},
    [F_ROUTING_NUMBER] = {"routing_number", K_STR, S(routing_number), check_digits,
                          "1 to 15 digits"},
    [F_SEQUENCE] = {"sequence", K_STR, S(sequence), check_sequence, "1 to 18 digits"},
};

void npg_canon_init(npg_canon_msg_t *msg)
{
    memset(msg, 0, sizeof(*msg));
    msg->override_cooloff = -1;
    msg->reject_code = -1;
    msg->ported = -1;
}

static void *at(const npg_canon_msg_t *msg, const field_t *f)
{
    return (char *)msg + f->off;
}

static bool present(const npg_canon_msg_t *msg, const field_t *f)
{
    switch (f->kind) {
    case K_STR:
        return *(const char *)at(msg, f) != '\0';
    case K_TIME:
        return *(const time_t *)at(msg, f) != 0;
    case K_BOOL:
    case K_INT:
        return *(const int *)at(msg, f) >= 0;
    case K_RANGES:
        return msg->nranges > 0;
    }
    return false;
}

int npg_canon_validate(const npg_canon_msg_t *msg, char *err, size_t errlen)
{
    if (!one_of(msg->direction, "|in|out|")) {
        snprintf(err, errlen, "direction: '%s' is not in or out", msg->direction);
        return NPG_EINVAL;
    }
    if (!check_clearinghouse(msg->clearinghouse)) {
        snprintf(err, errlen, "clearinghouse: '%s' is not a lower-case adapter name",
                 msg->clearinghouse);
        return NPG_EINVAL;
    }
    for (size_t i = 0; i < F_COUNT; i++) {
        const field_t *f = &fields[i];
        if (!present(msg, f))
            continue;
        if (f->kind == K_STR && !text_ok(at(msg, f))) {
            snprintf(err, errlen, "%s: not valid UTF-8 text", f->name);
            return NPG_EINVAL;
        }
        const char *v = at(msg, f);
        if (f->kind == K_STR && (f->check ? !f->check(v) : f->rule && !one_of(v, f->rule))) {
            snprintf(err, errlen, "%s: '%s' is not %s%s", f->name, v, f->check ? "" : "one of ",
                     f->rule);
            return NPG_EINVAL;
        }
        int n = f->kind == K_BOOL || f->kind == K_INT ? *(const int *)at(msg, f) : 0;
        if (n > (f->kind == K_BOOL ? 1 : 99) || (f->kind == K_TIME && *(const time_t *)v < 0)) {
            snprintf(err, errlen, "%s: out of range", f->name);
            return NPG_EINVAL;
        }
    }
    if (msg->nranges > NPG_CANON_MAX_RANGES) {
        snprintf(err, errlen, "ranges: more than %d", NPG_CANON_MAX_RANGES);
        return NPG_EINVAL;
    }
    for (size_t i = 0; i < msg->nranges; i++) {
        if (!check_digits(msg->ranges[i].start) || !check_digits(msg->ranges[i].end)) {
            snprintf(err, errlen, "ranges: range %zu: start and end must be 1 to 15 digits", i + 1);
            return NPG_EINVAL;
        }
    }
    int t = find_type(msg->type);
    unsigned need = t >= 0 ? types[t].need : M(F_TYPE);
    /* A PAC port is authorised by its code: no account details, but a port date. */
    if (t >= 0 && msg->pac[0] && strcmp(msg->type, "porting_request") == 0)
        need = HDR | M(F_DONOR) | M(F_RECIPIENT) | M(F_NUMBER_TYPE) | M(F_RANGES) | M(F_PORT_TIME) |
               M(F_PAC);
    for (size_t i = 0; i < F_COUNT; i++) {
        if ((need & M(i)) && !present(msg, &fields[i])) {
            snprintf(err, errlen, "%s: missing (required for type %s)", fields[i].name,
                     t >= 0 ? msg->type : "?");
            return NPG_EINVAL;
        }
    }
    return NPG_OK;
}

/* --- parsing ---------------------------------------------------------------- */

/* "YYYY-MM-DDTHH:MM:SSZ" exactly, after 1970 (0 means absent). */
static int parse_time(const char *s, time_t *t)
{
    char back[32];
    if (strlen(s) != 20 || s[19] != 'Z' || npg_time_parse(s, t) != NPG_OK || *t <= 0)
        return NPG_EINVAL;
    npg_time_iso(*t, true, back, sizeof(back));
    return strcmp(back, s) == 0 ? NPG_OK : NPG_EINVAL;
}

/* Copy text into a fixed field; NPG_EINVAL when it does not fit. */
static int copy_text(char *dst, size_t size, const char *text, const char *name, char *err,
                     size_t errlen)
{
    if (strlen(text) >= size) {
        snprintf(err, errlen, "%s: longer than %zu bytes", name, size - 1);
        return NPG_EINVAL;
    }
    strcpy(dst, text);
    return NPG_OK;
}

static int set_field(npg_canon_msg_t *msg, const field_t *f, const char *text, char *err,
                     size_t errlen)
{
    const char *why = "empty";
    if (!*text)
        goto bad;
    switch (f->kind) {
    case K_STR:
        return copy_text(at(msg, f), f->size, text, f->name, err, errlen);
    case K_TIME:
        why = "not a UTC time like 2025-01-15T10:30:00Z";
        if (parse_time(text, at(msg, f)) != NPG_OK)
            goto bad;
        return NPG_OK;
    case K_BOOL:
        why = "not true or false";
        if (strcmp(text, "true") && strcmp(text, "false"))
            goto bad;
        *(int *)at(msg, f) = strcmp(text, "true") == 0;
        return NPG_OK;
    case K_INT:
        why = "not a whole number from 0 to 99";
        if (!span_ok(text, DIGIT, 1, 2))
            goto bad;
        *(int *)at(msg, f) = atoi(text);
        return NPG_OK;
    case K_RANGES:
        break;
    }
bad:
    snprintf(err, errlen, "%s: '%.40s' is %s", f->name, text, why);
    return NPG_EINVAL;
}

static bool is_canon(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns &&
           xmlStrEqual(n->ns->href, BAD_CAST NPG_CANON_NS) &&
           (!name || xmlStrEqual(n->name, BAD_CAST name));
}

/* Only whitespace, comments and processing instructions may sit between elements. */
static bool ignorable(xmlNodePtr n)
{
    if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE)
        return true;
    return n->type == XML_TEXT_NODE && xmlIsBlankNode(n);
}

/* Copy attribute name of node into dst (size bytes); missing or too long: error. */
static int get_attr(xmlNodePtr node, const char *name, char *dst, size_t size, const char *what,
                    char *err, size_t errlen)
{
    xmlChar *v = xmlGetNoNsProp(node, BAD_CAST name);
    if (!v) {
        snprintf(err, errlen, "%s: missing attribute %s", what, name);
        return NPG_EINVAL;
    }
    int rc = copy_text(dst, size, (const char *)v, what, err, errlen);
    xmlFree(v);
    return rc;
}

static int parse_ranges(npg_canon_msg_t *msg, xmlNodePtr node, char *err, size_t errlen)
{
    for (xmlNodePtr n = node->children; n; n = n->next) {
        if (ignorable(n))
            continue;
        if (!is_canon(n, "range")) {
            snprintf(err, errlen, "ranges: only np:range elements may appear inside");
            return NPG_EXML;
        }
        if (msg->nranges == NPG_CANON_MAX_RANGES) {
            snprintf(err, errlen, "ranges: more than %d", NPG_CANON_MAX_RANGES);
            return NPG_EINVAL;
        }
        npg_canon_range_t *r = &msg->ranges[msg->nranges++];
        int rc = get_attr(n, "start", r->start, sizeof(r->start), "ranges", err, errlen);
        if (rc == NPG_OK)
            rc = get_attr(n, "end", r->end, sizeof(r->end), "ranges", err, errlen);
        if (rc != NPG_OK)
            return rc;
    }
    if (msg->nranges == 0) {
        snprintf(err, errlen, "ranges: needs at least one range");
        return NPG_EINVAL;
    }
    return NPG_OK;
}

/* The field an element names, searching from index from on (schema order). */
static int find_field(const xmlChar *name, size_t from)
{
    for (size_t i = from; i < F_COUNT; i++)
        if (xmlStrEqual(name, BAD_CAST fields[i].name))
            return (int)i;
    return -1;
}

static int parse_child(npg_canon_msg_t *msg, xmlNodePtr n, size_t *next, char *err, size_t errlen)
{
    int i = is_canon(n, NULL) ? find_field(n->name, *next) : -1;
    if (i < 0) {
        bool known = is_canon(n, NULL) && find_field(n->name, 0) >= 0;
        snprintf(err, errlen, "%s: %s", (const char *)n->name,
                 known ? "repeated or out of schema order" : "unknown element");
        return NPG_EXML;
    }
    *next = (size_t)i + 1;
    const field_t *f = &fields[i];
    if (f->kind == K_RANGES)
        return parse_ranges(msg, n, err, errlen);
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            snprintf(err, errlen, "%s: must hold text only", f->name);
            return NPG_EXML;
        }
    }
    xmlChar *text = xmlNodeGetContent(n);
    if (!text)
        return NPG_ENOMEM;
    int rc = set_field(msg, f, (const char *)text, err, errlen);
    xmlFree(text);
    return rc;
}

/* Only one element at the top, with nothing but blanks, comments and PIs beside it: what a
 * serialised document needs to parse again. */
static bool single_root(xmlDocPtr doc)
{
    int elements = 0;
    for (xmlNodePtr n = doc->children; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE)
            elements++;
        else if (!ignorable(n))
            return false;
    }
    return elements == 1;
}

static int parse_doc(xmlDocPtr doc, npg_canon_msg_t *out, char *err, size_t errlen)
{
    npg_canon_init(out);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || !is_canon(root, "message")) {
        snprintf(err, errlen, "not a canonical message: the root must be {%s}message",
                 NPG_CANON_NS);
        return NPG_EXML;
    }
    int rc = get_attr(root, "direction", out->direction, sizeof(out->direction), "direction", err,
                      errlen);
    if (rc == NPG_OK)
        rc = get_attr(root, "clearinghouse", out->clearinghouse, sizeof(out->clearinghouse),
                      "clearinghouse", err, errlen);
    size_t next = 0;
    for (xmlNodePtr n = root->children; n && rc == NPG_OK; n = n->next) {
        if (ignorable(n))
            continue;
        if (n->type != XML_ELEMENT_NODE) {
            snprintf(err, errlen, "message: text outside the field elements");
            rc = NPG_EXML;
            break;
        }
        rc = parse_child(out, n, &next, err, errlen);
    }
    if (rc == NPG_OK)
        rc = npg_canon_validate(out, err, errlen);
    return rc;
}

int npg_canon_parse(const char *xml, size_t len, npg_canon_msg_t *out, char *err, size_t errlen)
{
    npg_canon_init(out);
    xmlDocPtr doc = NULL;
    int rc = npg_xml_parse(xml, len, CANON_MAX_BYTES, CANON_MAX_DEPTH, &doc, err, errlen);
    if (rc != NPG_OK)
        return rc;
    rc = parse_doc(doc, out, err, errlen);
    xmlFreeDoc(doc);
    return rc;
}

int npg_canon_from_doc(xmlDocPtr doc, npg_canon_msg_t *out, char *err, size_t errlen)
{
    npg_canon_init(out);
    /* what npg_canon_parse's parser would refuse in the serialised form */
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (doc->intSubset || doc->extSubset) {
        snprintf(err, errlen, "XML refused: it contains a DOCTYPE");
        return NPG_EXML;
    }
    if (!root || !single_root(doc)) {
        snprintf(err, errlen, "XML not well-formed: not one root element");
        return NPG_EXML;
    }
    if (npg_xml_nests_deeper(root, CANON_MAX_DEPTH)) {
        snprintf(err, errlen, "XML refused: elements nest deeper than %d", CANON_MAX_DEPTH);
        return NPG_EXML;
    }
    return parse_doc(doc, out, err, errlen);
}

/* --- writing ---------------------------------------------------------------- */

/* Text of a present scalar field (buf holds numbers and times), NULL when absent. */
static const char *field_text(const npg_canon_msg_t *msg, const field_t *f, char *buf, size_t len)
{
    if (!present(msg, f))
        return NULL;
    switch (f->kind) {
    case K_STR:
        return at(msg, f);
    case K_TIME:
        npg_time_iso(*(const time_t *)at(msg, f), true, buf, len);
        return buf;
    case K_BOOL:
        return *(const int *)at(msg, f) ? "true" : "false";
    case K_INT:
        snprintf(buf, len, "%d", *(const int *)at(msg, f));
        return buf;
    case K_RANGES:
        break;
    }
    return NULL;
}

static int add_ranges(const npg_canon_msg_t *msg, xmlNodePtr root, xmlNsPtr ns)
{
    xmlNodePtr list = xmlNewChild(root, ns, BAD_CAST "ranges", NULL);
    if (!list)
        return NPG_ENOMEM;
    for (size_t i = 0; i < msg->nranges && i < NPG_CANON_MAX_RANGES; i++) {
        xmlNodePtr r = xmlNewChild(list, ns, BAD_CAST "range", NULL);
        if (!r || !xmlNewProp(r, BAD_CAST "start", BAD_CAST msg->ranges[i].start) ||
            !xmlNewProp(r, BAD_CAST "end", BAD_CAST msg->ranges[i].end))
            return NPG_ENOMEM;
    }
    return NPG_OK;
}

int npg_canon_write(const npg_canon_msg_t *msg, char **xml, size_t *len)
{
    *xml = NULL;
    *len = 0;
    if (!msg->type[0])
        return NPG_EINVAL;
    int rc = NPG_ENOMEM;
    xmlChar *buf = NULL;
    int n = 0;
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = doc ? xmlNewNode(NULL, BAD_CAST "message") : NULL;
    if (!root)
        goto fail;
    xmlDocSetRootElement(doc, root);
    xmlNsPtr ns = xmlNewNs(root, BAD_CAST NPG_CANON_NS, BAD_CAST "np");
    if (!ns || !xmlNewProp(root, BAD_CAST "direction", BAD_CAST msg->direction) ||
        !xmlNewProp(root, BAD_CAST "clearinghouse", BAD_CAST msg->clearinghouse))
        goto fail;
    xmlSetNs(root, ns);
    for (size_t i = 0; i < F_COUNT; i++) {
        char tmp[32];
        const char *text = field_text(msg, &fields[i], tmp, sizeof(tmp));
        if (fields[i].kind == K_RANGES && msg->nranges) {
            if (add_ranges(msg, root, ns) != NPG_OK)
                goto fail;
        } else if (text && !xmlNewTextChild(root, ns, BAD_CAST fields[i].name, BAD_CAST text)) {
            goto fail;
        }
    }
    xmlDocDumpFormatMemoryEnc(doc, &buf, &n, "UTF-8", 1);
    rc = buf ? npg_xml_copy_out(buf, n, xml, len) : NPG_ENOMEM;
fail:
    xmlFree(buf);
    xmlFreeDoc(doc);
    return rc;
}
