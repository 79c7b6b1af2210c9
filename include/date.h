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

/* The time now as "YYYY-MM-DDTHH:MM:SSZ" (UTC) for records of when
 * something happened; SOURCE_DATE_EPOCH (decimal seconds) stands for now
 * when it is set, for reproducible files. */
void date_utc_now(char out[32]);

/* The calendar year of a day number. */
int date_year(int days);

/* The date formats an import map can name for an export's dates. Every
 * format takes the whole text (no surrounding spaces, no time of day) and a
 * date that exists on the calendar, with a four-digit year. */
enum date_fmt {
    DATE_FMT_ISO,   /* YYYY-MM-DD, as date_parse */
    DATE_FMT_MDY,   /* M/D/YYYY: month and day of one or two digits (7/1/2022, 07/01/2022) */
    DATE_FMT_DMY,   /* D/M/YYYY: day first (1/7/2022) */
    DATE_FMT_DMONY, /* D-Mon-YYYY: 1-Jul-2022, 01-JUL-2022 (English month, 3 letters) */
    DATE_FMT_EXCEL, /* an Excel serial day number, 1900 date system: 1 is 1900-01-01,
                     * 59 is 1900-02-28, 60 (Excel's 29 February 1900, a day that
                     * never was) is refused, 61 is 1900-03-01; 1..2958465
                     * (9999-12-31), digits only */
    DATE_FMT_COUNT
};

/* The name of a format as maps spell it and messages show it ("M/D/YYYY",
 * "Excel day number"). */
const char *date_fmt_name(enum date_fmt f);

/* The format named by s (len bytes), compared case-insensitively with
 * spaces ignored: "ISO", "YYYY-MM-DD", "M/D/YYYY" (or "MM/DD/YYYY"),
 * "D/M/YYYY" (or "DD/MM/YYYY"), "D-Mon-YYYY" (or "DD-Mon-YYYY"), "Excel"
 * (or "Excel serial"). Returns the format or -1. */
int date_fmt_lookup(const char *s, size_t len);

/* Parses s (len bytes) in format f. Returns 0 and sets *days, or -1. */
int date_parse_fmt(enum date_fmt f, const char *s, size_t len, int *days);

#endif
