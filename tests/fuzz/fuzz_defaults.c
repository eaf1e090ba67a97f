/* fuzz_defaults.c -- libFuzzer target for the --defaults file
 * (src/cli_defaults.c): the input is the file's text, applied over the
 * built-in defaults through lg_cli_defaults_text, the function that
 * lg_cli_defaults_read calls once it has read the file. That is libjansson's
 * decoder, the member checks and every option setter (cli.c) a key can
 * reach. An accepted file leaves a config that keeps the promises of
 * fuzz.h; a refusal must come with a message. The config is freed
 * every time, so leak detection sees any leak of the setters. Reading the
 * file itself (size cap, errors) is left to tests/unit/test_cli.c. */
#include "cli_opt.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lg_config cfg;
    char err[512] = "";
    struct lg_cli c = { &cfg, err, sizeof err, 0 };

    lg_cli_defaults(&cfg);
    if (lg_cli_defaults_text(&c, "fuzz.json", (const char *)data, size) == 0)
        lg_fuzz_config_check(&cfg);
    else if (!err[0])
        abort();
    lg_cli_free(&cfg);
    return 0;
}
