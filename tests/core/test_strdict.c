/*
 * test_strdict.c - interning of names into dense ids (strdict.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strdict.h"

static void ids_are_dense_in_order_of_first_appearance(void **state)
{
    (void)state;
    struct strdict d;
    strdict_init(&d);
    assert_int_equal(strdict_find(&d, "E042", 4), -1);
    assert_int_equal(strdict_intern(&d, "E042", 4), 0);
    assert_int_equal(strdict_intern(&d, "ABIM-IM", 7), 1);
    /* Only len bytes count: "E042x" cut to 4 is E042 again. */
    assert_int_equal(strdict_intern(&d, "E042x", 4), 0);
    assert_int_equal(strdict_find(&d, "ABIM-IM", 7), 1);
    assert_int_equal(strdict_find(&d, "ABIM", 4), -1);
    assert_string_equal(strdict_str(&d, 1), "ABIM-IM");
    strdict_release(&d);
}

static void many_and_long_keys(void **state)
{
    (void)state;
    struct strdict d;
    char key[32];
    strdict_init(&d);
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(key, sizeof key, "E%05d", i);
        assert_int_equal(strdict_intern(&d, key, (size_t)n), i);
    }
    for (int i = 4999; i >= 0; i--) {
        int n = snprintf(key, sizeof key, "E%05d", i);
        assert_int_equal(strdict_find(&d, key, (size_t)n), i);
    }
    /* A key longer than the stack buffer of the look-up. */
    char *big = malloc(1000);
    memset(big, 'x', 999);
    big[999] = '\0';
    assert_int_equal(strdict_intern(&d, big, 999), 5000);
    assert_int_equal(strdict_find(&d, big, 999), 5000);
    assert_int_equal(strdict_find(&d, big, 998), -1);
    free(big);
    strdict_release(&d);
}

static void sorted_is_byte_order(void **state)
{
    (void)state;
    struct strdict d;
    const char *names[] = { "b", "B", "a", "ab", "A" };
    strdict_init(&d);
    for (int i = 0; i < 5; i++)
        strdict_intern(&d, names[i], strlen(names[i]));
    int *ids = strdict_sorted(&d);
    /* strcmp order: "A" < "B" < "a" < "ab" < "b" */
    assert_string_equal(strdict_str(&d, ids[0]), "A");
    assert_string_equal(strdict_str(&d, ids[1]), "B");
    assert_string_equal(strdict_str(&d, ids[2]), "a");
    assert_string_equal(strdict_str(&d, ids[3]), "ab");
    assert_string_equal(strdict_str(&d, ids[4]), "b");
    free(ids);
    strdict_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ids_are_dense_in_order_of_first_appearance),
        cmocka_unit_test(many_and_long_keys),
        cmocka_unit_test(sorted_is_byte_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
