/*
 * xlsx.h - OUT/tables.xlsx: the metrics and chart tables of a computed
 * database as one Excel workbook, for the people who work in Excel.
 *
 * The workbook holds what the CSV files hold, nothing more: sheet "metrics"
 * first, with the rows and columns of metrics.csv in its order, then one
 * sheet per chart of docs/TABLES.md in that document's order (a chart that
 * table chart_points holds but the document does not name follows, in
 * byte order), each with the columns of OUT/tables/NAME.csv and its rows in
 * seq order; a chart with no rows is a sheet with its header only. Numbers
 * are numeric cells holding the value metrics.csv prints (%.10g), integer
 * columns integers, text is text (never a formula), and an empty field is
 * an empty cell. The header row is bold and frozen, with an autofilter; a
 * row with suppressed = 1 is grey italic and keeps its suppressed column.
 * Sheet names follow Excel's rules (at most 31 characters, none of
 * []:*?/\, unique ignoring case).
 *
 * The file is written atomically (a temporary file in the same directory,
 * synced, then renamed over path) with the mode a new file gets from
 * open(..., 0600), i.e. 0600 or stricter under the umask. The same data give
 * the same bytes: the document's creation date is SOURCE_DATE_EPOCH when it
 * is set (positive decimal seconds up to the year 9999), else
 * 1980-01-01T00:00:00Z, and libxlsxwriter dates every zip entry
 * 1980-01-01 00:00, never the clock.
 *
 * Errors: IMGO_EIO with "PATH: ..." for a file that cannot be written, or
 * with SQLite's message for the database; path is then left as it was.
 */
#ifndef IMGO_XLSX_H
#define IMGO_XLSX_H

#include <sqlite3.h>

#include "err.h"

int xlsx_write_tables(sqlite3 *db, const char *path, struct imgo_err *err);

#endif
