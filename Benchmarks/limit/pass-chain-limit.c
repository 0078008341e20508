// The least a Pass-chain transition can cost, for `sfn-bench limit` to compare sfn with: a chain of
// STATES states (default 1000) where every odd state writes a one-field object at "last" (Result
// with ResultPath "$.last"), done on jansson values in place, the chain resolved to an array of
// pointers before the clock starts, no history, no checks. Prints "<ns> ns per transition".
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds_now(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    int states = argc > 1 ? atoi(argv[1]) : 1000;
    int runs = argc > 2 ? atoi(argv[2]) : 2000;
    if (states < 1 || runs < 1) {
        fprintf(stderr, "usage: pass-chain-limit [STATES [RUNS]]\n");
        return 2;
    }
    json_t **results = calloc((size_t)states, sizeof *results);
    if (!results) return 1;
    for (int index = 1; index < states; index += 2) results[index] = json_pack("{s:i}", "step", index);

    long transitions = 0;
    double started = seconds_now();
    for (int run = 0; run < runs; run++) {
        json_t *value = json_pack("{s:s,s:i,s:[s,s]}", "id", "bench", "n", run, "tags", "a", "b");
        for (int index = 0; index < states; index++) {
            if (results[index]) json_object_set(value, "last", results[index]);
            transitions++;
        }
        json_decref(value);
    }
    double elapsed = seconds_now() - started;
    printf("%ld transitions in %.3f s\n", transitions, elapsed);
    printf("%.2f ns per transition\n", elapsed / (double)transitions * 1e9);
    for (int index = 0; index < states; index++) json_decref(results[index]);
    free(results);
    return 0;
}
