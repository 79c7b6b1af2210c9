/*
 * report_quarterly.c - the quarterly committee packet (product.md).
 */
#include "report_int.h"

int rep_quarterly(struct rep *r, struct imgo_err *err)
{
    (void)r;
    return imgo_err_set(err, IMGO_EUSAGE, "the quarterly packet is not built yet");
}
