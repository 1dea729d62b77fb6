/* Fuzz target: the plan loader (YAML tree, schema, references, cycles), then the state
 * fold and the timeline over whatever plan loads.
 * Properties: a load returns 0 or -EINVAL (-ENOMEM aside); -EINVAL comes with at
 * least one error; a loaded plan is consistent (indexes in range, dependencies
 * resolved, topological order a permutation with dependencies first), and folding
 * ticks of every item and computing the timeline works on it. */
#include <errno.h>
#include <string.h>

#include "core/diag.h"
#include "core/plan.h"
#include "core/state.h"
#include "core/timeline.h"
#include "tests/fuzz/fuzz.h"

static FILE *devnull;

static void check_plan(const Plan *p) {
    FUZZ_CHECK(p->title && p->id, "a loaded plan has a title and an id");
    size_t items = 0;
    for (size_t i = 0; i < p->n_phases; i++) {
        const Phase *ph = &p->phases[i];
        FUZZ_CHECK(ph->id, "phase %zu has an id", i);
        for (size_t d = 0; d < ph->depends.n; d++) {
            FUZZ_CHECK(ph->dep[d] < p->n_phases, "dependency index in range");
        }
        for (size_t k = 0; k < ph->n_items; k++) {
            const Item *it = &ph->items[k];
            FUZZ_CHECK(it->phase == i && it->index < p->n_all_items, "item %s indexes", it->id);
            FUZZ_CHECK(p->all_items[it->index] == it, "all_items[%zu] is %s", it->index, it->id);
            FUZZ_CHECK(plan_find_item(p, it->id) == it, "item %s is found by id", it->id);
        }
        items += ph->n_items;
    }
    (void)items;
    /* topo: a permutation, each phase after its dependencies */
    size_t *pos = calloc(p->n_phases + 1, sizeof(*pos));
    for (size_t k = 0; k < p->n_phases; k++) {
        FUZZ_CHECK(p->topo[k] < p->n_phases && !pos[p->topo[k]], "topo is a permutation");
        pos[p->topo[k]] = k + 1;
    }
    for (size_t i = 0; i < p->n_phases; i++) {
        for (size_t d = 0; d < p->phases[i].depends.n; d++) {
            FUZZ_CHECK(pos[p->phases[i].dep[d]] < pos[i], "dependencies come first in topo");
        }
    }
    free(pos);
}

static void fold_and_time(const Plan *p) {
    State *st = NULL;
    if (state_new(p, &st) < 0) {
        return;
    }
    uint64_t seq = 0;
    for (size_t i = 0; i < p->n_all_items; i++) {
        const Item *it = p->all_items[i];
        JournalEvent ev = {.seq = ++seq,
                           .uid = "00000000000000000000000000000000",
                           .at = 1795000000 + (time_t)i * 60,
                           .by = "fuzz",
                           .host = "h",
                           .type = i % 3 == 2 ? EVENT_UNTICK : EVENT_TICK,
                           .item = it->id};
        ev.type_name = event_type_to_string(ev.type);
        FUZZ_CHECK(state_apply(st, &ev) == 0, "state_apply");
    }
    Timeline *t = NULL;
    if (timeline_compute(p, st, 1795000000 + 86400, &t) == 0) {
        FUZZ_CHECK(t->n_critical <= p->n_phases, "critical path within the phases");
        timeline_free(t);
    }
    (void)state_current_phase(st);
    state_free(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!devnull) {
        devnull = fopen("/dev/null", "w");
    }
    DiagList *d = diag_list_new("fuzz.yaml");
    Plan *p = NULL;
    int r = plan_load_buffer("fuzz.yaml", (const char *)data, size, d, &p);
    FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENOMEM || r == -E2BIG, "load returned %d", r);
    if (r == -EINVAL) {
        FUZZ_CHECK(d->n_errors > 0, "a rejected plan says why");
    }
    diag_sort(d);
    diag_print(d, devnull);
    if (r == 0) {
        check_plan(p);
        fold_and_time(p);
        char *jp = NULL;
        if (plan_journal_path(p, &jp) == 0) {
            free(jp);
        }
    }
    plan_free(p);
    diag_list_free(d);
    return 0;
}
