/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The metrics registry and its exposition: formats, histograms, label escaping, series found
 * by address and merged on output, full families, per-thread grids, collectors; and the
 * configuration reload that SIGHUP runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/conf.h"
#include "metrics/metrics.h"

static char *render(void)
{
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(npg_metrics_render(&out, &len), NPG_OK);
    assert_int_equal(strlen(out), len);
    return out;
}

/* The value of the sample line that starts with what (and a space), or -1. */
static double value(const char *text, const char *what)
{
    size_t n = strlen(what);
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
        if (strncmp(l, what, n) == 0 && l[n] == ' ')
            return strtod(l + n + 1, NULL);
    return -1;
}

static npg_metric_t counter = {
    .name = "t_requests_total",
    .help = "Requests.",
    .type = NPG_METRIC_COUNTER,
    .labels = {"route", "code"},
};

static void test_counter(void **state)
{
    (void)state;
    npg_metric_register(&counter);
    char *t = render();
    assert_non_null(
        strstr(t, "# HELP t_requests_total Requests.\n# TYPE t_requests_total counter\n"));
    free(t);
    npg_metric_add(&counter, NPG_METRIC_V("/a", "200"), 2);
    npg_metric_add(&counter, NPG_METRIC_V("/a", "200"), 3);
    char route[8] = "/a"; /* another address, the same text: one series */
    npg_metric_add(&counter, NPG_METRIC_V(route, "500"), 1);
    npg_metric_add(&counter, NPG_METRIC_V(route, "200"), 1);
    t = render();
    assert_int_equal(value(t, "t_requests_total{route=\"/a\",code=\"200\"}"), 6);
    assert_int_equal(value(t, "t_requests_total{route=\"/a\",code=\"500\"}"), 1);
    free(t);
}

static npg_metric_t gauge = {
    .name = "t_depth",
    .help = "Depth.",
    .type = NPG_METRIC_GAUGE,
    .labels = {"kind"},
};

static void test_gauge_escape_reset(void **state)
{
    (void)state;
    npg_metric_set(&gauge, NPG_METRIC_V("a\"b\\c\nd"), 2.5);
    char *t = render();
    assert_true(value(t, "t_depth{kind=\"a\\\"b\\\\c\\nd\"}") == 2.5);
    free(t);
    npg_metric_reset(&gauge);
    t = render();
    assert_true(value(t, "t_depth{kind=\"a\\\"b\\\\c\\nd\"}") == 0);
    free(t);
}

static const double bounds[] = {0.001, 0.01, 0.1};
static npg_metric_t hist = {
    .name = "t_seconds",
    .help = "Time.",
    .type = NPG_METRIC_HISTOGRAM,
    .labels = {"route"},
    .static_values = true,
    .buckets = bounds,
    .nbuckets = 3,
};

static void test_histogram(void **state)
{
    (void)state;
    static const char r[] = "/r";
    npg_metric_observe_ns(&hist, NPG_METRIC_V(r), 500000);     /* 0.5 ms */
    npg_metric_observe_ns(&hist, NPG_METRIC_V(r), 1000000);    /* 1 ms: le is inclusive */
    npg_metric_observe_ns(&hist, NPG_METRIC_V(r), 50000000);   /* 50 ms */
    npg_metric_observe_ns(&hist, NPG_METRIC_V(r), 2000000000); /* 2 s */
    char *t = render();
    assert_int_equal(value(t, "t_seconds_bucket{route=\"/r\",le=\"0.001\"}"), 2);
    assert_int_equal(value(t, "t_seconds_bucket{route=\"/r\",le=\"0.01\"}"), 2);
    assert_int_equal(value(t, "t_seconds_bucket{route=\"/r\",le=\"0.1\"}"), 3);
    assert_int_equal(value(t, "t_seconds_bucket{route=\"/r\",le=\"+Inf\"}"), 4);
    assert_int_equal(value(t, "t_seconds_count{route=\"/r\"}"), 4);
    assert_non_null(strstr(t, "t_seconds_sum{route=\"/r\"} 2.051500000\n"));
    free(t);
}

static npg_metric_t small = {
    .name = "t_small_total",
    .help = "At most two series.",
    .type = NPG_METRIC_COUNTER,
    .labels = {"id"},
    .capacity = 2,
};

static void test_full_family_drops(void **state)
{
    (void)state;
    npg_metric_add(&small, NPG_METRIC_V("1"), 1);
    npg_metric_add(&small, NPG_METRIC_V("2"), 1);
    npg_metric_add(&small, NPG_METRIC_V("3"), 1); /* no room: dropped and counted */
    npg_metric_add(&small, NPG_METRIC_V("1"), 1);
    char *t = render();
    assert_int_equal(value(t, "t_small_total{id=\"1\"}"), 2);
    assert_int_equal(value(t, "t_small_total{id=\"3\"}"), -1);
    assert_true(value(t, "npgw_metrics_dropped_total") >= 1);
    free(t);
}

static const char *const colours[] = {"red", "green"};
static const char *const sizes[] = {"s", "m", "l"};
static npg_metric_t grid = {
    .name = "t_grid_total",
    .help = "Per thread.",
    .type = NPG_METRIC_COUNTER,
    .labels = {"colour", "size"},
    .grid = {colours, sizes},
    .grid_n = {2, 3},
};

static void *count_grid(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100000; i++)
        npg_metric_grid_inc(&grid, 1 * 3 + 2); /* green, l */
    npg_metric_grid_inc(&grid, 0);             /* red, s */
    return NULL;
}

static void test_grid_threads(void **state)
{
    (void)state;
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, count_grid, NULL), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    /* the threads are gone; their counts stay, and a new thread takes over a shard */
    pthread_create(&t[0], NULL, count_grid, NULL);
    pthread_join(t[0], NULL);
    char *out = render();
    assert_int_equal(value(out, "t_grid_total{colour=\"green\",size=\"l\"}"), 500000);
    assert_int_equal(value(out, "t_grid_total{colour=\"red\",size=\"s\"}"), 5);
    assert_int_equal(value(out, "t_grid_total{colour=\"red\",size=\"m\"}"), -1); /* never seen */
    free(out);
}

static npg_metric_t collected = {
    .name = "t_collected",
    .help = "Set by a collector.",
    .type = NPG_METRIC_GAUGE,
};

static void collect(void *arg)
{
    (*(int *)arg)++;
    npg_metric_set(&collected, NULL, *(int *)arg);
}

static void test_collector(void **state)
{
    (void)state;
    int calls = 0;
    assert_int_equal(npg_metrics_collector_add(collect, &calls), NPG_OK);
    char *t = render();
    assert_int_equal(value(t, "t_collected"), 1);
    free(t);
    t = render();
    assert_int_equal(value(t, "t_collected"), 2);
    free(t);
    npg_metrics_collector_remove(collect, &calls);
    t = render();
    assert_int_equal(calls, 2);
    free(t);
}

static void test_process_and_status(void **state)
{
    (void)state;
    npg_metrics_set_process("t", "1.2.3");
    char *out = render();
    assert_int_equal(value(out, "t_build_info{version=\"1.2.3\"}"), 1);
    assert_true(value(out, "process_start_time_seconds") > 1.6e9);
    assert_true(value(out, "process_open_fds") > 0);
    free(out);
    assert_string_equal(npg_metrics_status_label(404), "404");
    assert_ptr_equal(npg_metrics_status_label(200), npg_metrics_status_label(200));
    assert_string_equal(npg_metrics_status_label(42), "other");
}

/* SIGHUP: run-time items are copied, the rest stays and is named in the log. */
static void test_conf_reload(void **state)
{
    (void)state;
    npg_conf_t live, next;
    npg_conf_defaults(&live);
    npg_conf_defaults(&next);
    next.http.recv_timeout = 77;
    next.alarms.rejection_threshold = 90;
    next.http.threads = 3;
    snprintf(next.http.listen, sizeof(next.http.listen), "0.0.0.0");
    npg_conf_reload(&live, &next);
    assert_int_equal(live.http.recv_timeout, 77);
    assert_int_equal(live.alarms.rejection_threshold, 90);
    assert_int_not_equal(live.http.threads, 3);
    assert_string_equal(live.http.listen, "127.0.0.1");
    assert_true(npg_conf_reloadable("general", "log_level"));
    assert_true(npg_conf_reloadable("alarms", "interval"));
    assert_false(npg_conf_reloadable("http", "port"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter),
        cmocka_unit_test(test_gauge_escape_reset),
        cmocka_unit_test(test_histogram),
        cmocka_unit_test(test_full_family_drops),
        cmocka_unit_test(test_grid_threads),
        cmocka_unit_test(test_collector),
        cmocka_unit_test(test_process_and_status),
        cmocka_unit_test(test_conf_reload),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
