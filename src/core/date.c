/*
 * date.c - day numbers <-> calendar dates (see date.h).
 *
 * The conversion is the era-based civil-calendar algorithm: a year is
 * counted from March so that the leap day falls at the end of it.
 */
#include "date.h"

#include <stdio.h>

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

int date_parse(const char *s, size_t len, int *days)
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
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
    if (m < 1 || m > 12 || d < 1)
        return -1;
    int dim = mdays[m - 1] + (m == 2 && is_leap(y));
    if (d > dim)
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
