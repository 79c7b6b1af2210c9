/*
 * date.h - calendar dates as whole days since 1970-01-01.
 *
 * Every date imgo stores or computes with is an int "day number", so that
 * "days between dates" is a subtraction (metrics.md: date2 - date1) and the
 * database compares integers. Proleptic Gregorian calendar.
 */
#ifndef IMGO_DATE_H
#define IMGO_DATE_H

#include <stddef.h>

/* Day number of a calendar date; the date must be valid. */
int date_from_ymd(int y, int m, int d);

/* Calendar date of a day number. */
void date_to_ymd(int days, int *y, int *m, int *d);

/* Parses exactly "YYYY-MM-DD" (len bytes, no surrounding text) that exists
 * on the calendar (2025-02-30 fails). Returns 0 and sets *days, or -1. */
int date_parse(const char *s, size_t len, int *days);

/* Writes "YYYY-MM-DD" and a NUL into out (at least 11 bytes). */
void date_format(int days, char out[11]);

/* The calendar year of a day number. */
int date_year(int days);

#endif
