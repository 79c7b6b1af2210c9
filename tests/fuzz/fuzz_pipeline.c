/*
 * fuzz_pipeline.c - libFuzzer harness for the pipeline-file parser
 * (params_parse, the whole of params_load but the read).
 *
 * Every input must either load or fail with a usage error whose message
 * names the place ("fuzz.pipeline:LINE: ..."); a loaded parameter set must
 * hold values within the ranges params.h promises, and format back to text.
 */
#include "params.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct imgo_params p;
    struct imgo_err err = IMGO_ERR_INIT;
    params_init(&p);
    int rc = params_parse(&p, "fuzz.pipeline", (const char *)data, size, &err);
    if (rc != IMGO_OK && rc != IMGO_EUSAGE)
        abort();
    if (rc && strncmp(err.msg, "fuzz.pipeline:", 14))
        abort();
    if (!rc) {
        if (p.n_stages < 1 || p.n_stages > 3)
            abort();
        if (!(p.confidence > 0.5 && p.confidence < 1) || p.min_cell < 1 || p.max_mentees < 0 ||
            p.min_evaluator_n < 1 || !(p.fdr_q > 0 && p.fdr_q <= 1) ||
            p.board_pass_threshold < 0 || p.board_pass_threshold > 1 || !p.step3_exam ||
            !*p.step3_exam || !(p.l4_threshold >= 1 && p.l4_threshold <= 5) ||
            !p.required_roles_img || !*p.required_roles_img || !p.required_roles_non_img ||
            !*p.required_roles_non_img || (p.programs && (!*p.programs || strstr(p.programs, ",,"))))
            abort();
        char out[256];
        for (int k = 0; params_keys[k]; k++)
            params_format(&p, params_keys[k], out, sizeof out);
    }
    params_release(&p);
    return 0;
}
