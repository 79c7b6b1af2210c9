/*
 * date.c - day numbers <-> calendar dates (see date.h).
 *
 * The conversion is the era-based civil-calendar algorithm: a year is
 * counted from March so that the leap day falls at the end of it.
 */
#include "date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void date_to_ymd(int days, int *y, int *m, int *d)
{
    int z = days + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return mdays[m - 1] + (m == 2 && is_leap(y));
}

int date_parse(const char *s, size_t len, int *days)
{
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    int v[3] = { 0, 0, 0 };
    static const int start[3] = { 0, 5, 8 }, width[3] = { 4, 2, 2 };
    for (int f = 0; f < 3; f++)
        for (int i = 0; i < width[f]; i++) {
            char c = s[start[f] + i];
            if (c < '0' || c > '9')
                return -1;
            v[f] = v[f] * 10 + (c - '0');
        }
    int y = v[0], m = v[1], d = v[2];
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return -1;
    *days = date_from_ymd(y, m, d);
    return 0;
}

void date_format(int days, char out[11])
{
    int y, m, d;
    date_to_ymd(days, &y, &m, &d);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

int date_year(int days)
{
    int y, m, d;
    date_to_ymd(days, &y, &m, &d);
    return y;
}

/* ---- the date formats of exports ---------------------------------------- */

static const struct {
    const char *name;     /* as shown */
    const char *alias[3]; /* other spellings, compared without spaces */
} fmts[DATE_FMT_COUNT] = {
    [DATE_FMT_ISO] = { "YYYY-MM-DD", { "ISO", "ISO8601", NULL } },
    [DATE_FMT_MDY] = { "M/D/YYYY", { "MM/DD/YYYY", NULL, NULL } },
    [DATE_FMT_DMY] = { "D/M/YYYY", { "DD/MM/YYYY", NULL, NULL } },
    [DATE_FMT_DMONY] = { "D-Mon-YYYY", { "DD-Mon-YYYY", NULL, NULL } },
    [DATE_FMT_EXCEL] = { "Excel day number", { "Excel", "Excel serial", "Excel serial day number" } },
};

const char *date_fmt_name(enum date_fmt f)
{
    return (unsigned)f < DATE_FMT_COUNT ? fmts[f].name : "?";
}

/* a (n bytes) equals b case-insensitively, spaces of both ignored. */
static int same_name(const char *a, size_t n, const char *b)
{
    size_t i = 0;
    for (;;) {
        while (i < n && a[i] == ' ')
            i++;
        while (*b == ' ')
            b++;
        if (i == n || !*b)
            return i == n && !*b;
        char x = a[i], y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return 0;
        i++, b++;
    }
}

int date_fmt_lookup(const char *s, size_t len)
{
    for (int f = 0; f < DATE_FMT_COUNT; f++) {
        if (same_name(s, len, fmts[f].name))
            return f;
        for (int k = 0; k < 3 && fmts[f].alias[k]; k++)
            if (same_name(s, len, fmts[f].alias[k]))
                return f;
    }
    return -1;
}

/* Digits s[*i..] (at least min, at most max of them) as a number. */
static int digits(const char *s, size_t len, size_t *i, int min, int max, int *out)
{
    int v = 0, n = 0;
    while (*i < len && n < max && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        n++;
    }
    if (n < min || (*i < len && s[*i] >= '0' && s[*i] <= '9'))
        return -1;
    *out = v;
    return 0;
}

static int ymd_days(int y, int m, int d, int *days)
{
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return -1;
    *days = date_from_ymd(y, m, d);
    return 0;
}

static int parse_slashes(const char *s, size_t len, int month_first, int *days)
{
    size_t i = 0;
    int a, b, y;
    if (digits(s, len, &i, 1, 2, &a) || i >= len || s[i++] != '/' || digits(s, len, &i, 1, 2, &b) ||
        i >= len || s[i++] != '/' || digits(s, len, &i, 4, 4, &y) || i != len)
        return -1;
    return month_first ? ymd_days(y, a, b, days) : ymd_days(y, b, a, days);
}

static int parse_dmony(const char *s, size_t len, int *days)
{
    static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    size_t i = 0;
    int d, y, m = 0;
    if (digits(s, len, &i, 1, 2, &d) || i + 5 > len || s[i++] != '-')
        return -1;
    for (int k = 0; k < 12 && !m; k++)
        if (!strncasecmp(s + i, months + 3 * k, 3))
            m = k + 1;
    i += 3;
    if (!m || i >= len || s[i++] != '-' || digits(s, len, &i, 4, 4, &y) || i != len)
        return -1;
    return ymd_days(y, m, d, days);
}

/* Excel's 1900 date system counts 1900 as a leap year (a bug kept from
 * Lotus 1-2-3): serial 60 is a 29 February 1900 that never was, and from
 * 61 on a serial is one more than the days since 1899-12-31. */
static int parse_excel(const char *s, size_t len, int *days)
{
    size_t i = 0;
    int n;
    if (digits(s, len, &i, 1, 7, &n) || i != len || n < 1 || n == 60 || n > 2958465)
        return -1;
    *days = date_from_ymd(1899, 12, 31) + (n < 60 ? n : n - 1);
    return 0;
}

int date_parse_fmt(enum date_fmt f, const char *s, size_t len, int *days)
{
    switch (f) {
    case DATE_FMT_ISO:
        return date_parse(s, len, days);
    case DATE_FMT_MDY:
        return parse_slashes(s, len, 1, days);
    case DATE_FMT_DMY:
        return parse_slashes(s, len, 0, days);
    case DATE_FMT_DMONY:
        return parse_dmony(s, len, days);
    case DATE_FMT_EXCEL:
        return parse_excel(s, len, days);
    default:
        return -1;
    }
}

void date_utc_now(char out[32])
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    time_t t = time(NULL);
    if (sde && *sde && strspn(sde, "0123456789") == strlen(sde))
        t = (time_t)strtoll(sde, NULL, 10);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
