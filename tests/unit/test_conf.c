/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/conf.h"

static char *write_tmp(const char *text)
{
    char *path = strdup("/tmp/npgw-conf-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

/* Load text; returns the rc and leaves the error output in errbuf. */
static int load(const char *text, npg_conf_t *conf, char *errbuf, size_t len)
{
    char *path = write_tmp(text);
    FILE *errs = fmemopen(errbuf, len, "w");
    npg_conf_defaults(conf);
    int rc = npg_conf_load(conf, path, errs);
    fclose(errs);
    unlink(path);
    free(path);
    return rc;
}

static void defaults(void **state)
{
    (void)state;
    npg_conf_t c;
    npg_conf_defaults(&c);
    assert_string_equal(c.general.country_code, "1");
    assert_int_equal(c.http.port, 8780);
    assert_int_equal(c.database.pool_size, 8);
    assert_int_equal(c.general.max_range_size, 10000);
    assert_string_equal(c.general.xslt_dir, "");
}

static void good_file(void **state)
{
    (void)state;
    npg_conf_t c;
    char err[1024] = "";
    int rc = load("; comment\n[general]\ncountry_code = 44\noperator_code = ACME\n\n"
                  "[http]\nport = 9000\nthreads = 2\n[database]\npassword = s3cret\n",
                  &c, err, sizeof(err));
    assert_int_equal(rc, NPG_OK);
    assert_string_equal(err, "");
    assert_string_equal(c.general.country_code, "44");
    assert_string_equal(c.general.operator_code, "ACME");
    assert_int_equal(c.http.port, 9000);
    assert_string_equal(c.database.password, "s3cret");
}

static void unknown_key_names_its_line(void **state)
{
    (void)state;
    npg_conf_t c;
    char err[1024] = "";
    assert_int_equal(load("[http]\nport = 8000\n\nprot = 9000\n", &c, err, sizeof(err)),
                     NPG_ECONF);
    assert_non_null(strstr(err, ":4: unknown key 'prot' in section [http]"));
}

static void unknown_section(void **state)
{
    (void)state;
    npg_conf_t c;
    char err[1024] = "";
    assert_int_equal(load("[htttp]\nport = 1\n", &c, err, sizeof(err)), NPG_ECONF);
    assert_non_null(strstr(err, ":2: unknown section [htttp]"));
}

static void bad_values_name_their_lines(void **state)
{
    (void)state;
    npg_conf_t c;
    char err[2048] = "";
    int rc = load("[http]\nport = 70000\nthreads = many\n[general]\ncountry_code = 4x\n"
                  "log_level = loud\n",
                  &c, err, sizeof(err));
    assert_int_equal(rc, NPG_ECONF);
    assert_non_null(strstr(err, ":2: http.port: 70000 is outside 1..65535"));
    assert_non_null(strstr(err, ":3: http.threads: 'many' is not a whole number"));
    assert_non_null(strstr(err, ":5: general.country_code: '4x' must be digits only"));
    assert_non_null(strstr(err, ":6: general.log_level: 'loud' is not one of"));
    assert_int_equal(c.http.port, 8780); /* a refused value leaves the default */
}

static void syntax_error(void **state)
{
    (void)state;
    npg_conf_t c;
    char err[1024] = "";
    assert_int_equal(load("[http]\nport 8000\n", &c, err, sizeof(err)), NPG_ECONF);
    assert_non_null(strstr(err, ":2: syntax error"));
}

static void sample_round_trips(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    npg_conf_write_sample(out);
    fclose(out);
    npg_conf_t c;
    char err[1024] = "";
    assert_int_equal(load(buf, &c, err, sizeof(err)), NPG_OK);
    assert_non_null(strstr(buf, "[database]"));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults),
        cmocka_unit_test(good_file),
        cmocka_unit_test(unknown_key_names_its_line),
        cmocka_unit_test(unknown_section),
        cmocka_unit_test(bad_values_name_their_lines),
        cmocka_unit_test(syntax_error),
        cmocka_unit_test(sample_round_trips),
    };
    return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
