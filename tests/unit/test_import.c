/* core/runbook_import.h: Markdown runbooks to plans.  Each feature on a small runbook,
 * every result loaded back with the plan loader (so it is also a valid plan), hostile
 * input, and the Uplink runbook against the example plan written from it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/plan.h"
#include "core/runbook_hints.h"
#include "core/runbook_ids.h"
#include "core/runbook_import.h"

typedef struct Imported {
    DiagList *d;
    RunbookImport *imp;
    Plan *plan;
} Imported;

static void imported_free(Imported *x) {
    plan_free(x->plan);
    runbook_import_free(x->imp);
    diag_list_free(x->d);
    *x = (Imported){0};
}

/* Import md (it must succeed) and load the plan back (it must be valid). */
static Imported import_ok(const char *md) {
    Imported x = {.d = diag_list_new("runbook.md")};
    assert_non_null(x.d);
    int r = runbook_import(md, strlen(md), "runbook.md", x.d, &x.imp);
    if (r < 0) {
        diag_print(x.d, stderr);
        fail_msg("import failed: %s", strerror(-r));
    }
    DiagList *pd = diag_list_new("plan.yaml");
    r = plan_load_buffer("plan.yaml", x.imp->yaml, x.imp->yaml_len, pd, &x.plan);
    if (r < 0) {
        diag_print(pd, stderr);
        fprintf(stderr, "%s\n", x.imp->yaml);
        fail_msg("the imported plan does not load: %s", strerror(-r));
    }
    diag_list_free(pd);
    return x;
}

/* Import md, expecting it to fail with want. */
static DiagList *import_fails(const char *md, size_t len, int want) {
    DiagList *d = diag_list_new("runbook.md");
    RunbookImport *imp = NULL;
    int r = runbook_import(md, len, "runbook.md", d, &imp);
    if (r != want) {
        fail_msg("import returned %d, want %d", r, want);
    }
    assert_null(imp);
    return d;
}

static const Phase *phase(const Imported *x, const char *id) {
    for (size_t i = 0; i < x->plan->n_phases; i++) {
        if (strcmp(x->plan->phases[i].id, id) == 0) {
            return &x->plan->phases[i];
        }
    }
    fail_msg("no phase '%s' in:\n%s", id, x->imp->yaml);
    return NULL;
}

static const Item *item(const Phase *p, const char *text) {
    for (size_t i = 0; i < p->n_items; i++) {
        if (strcmp(p->items[i].text, text) == 0) {
            return &p->items[i];
        }
    }
    fail_msg("phase '%s' has no item '%s'", p->id, text);
    return NULL;
}

static void assert_depends(const Phase *p, const char *want) {
    char got[256] = "";
    for (size_t i = 0; i < p->depends.n; i++) {
        snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? "," : "",
                 p->depends.v[i]);
    }
    if (strcmp(got, want) != 0) {
        fail_msg("phase '%s' depends on '%s', want '%s'", p->id, got, want);
    }
}

static bool has_note(const DiagList *d, unsigned line, const char *needle) {
    for (size_t i = 0; i < d->n; i++) {
        if (d->v[i].level == DIAG_WARNING && (line == 0 || d->v[i].line == line) &&
            strstr(d->v[i].msg, needle)) {
            return true;
        }
    }
    return false;
}

static void assert_note(const DiagList *d, unsigned line, const char *needle) {
    if (!has_note(d, line, needle)) {
        diag_print(d, stderr);
        fail_msg("no note at line %u saying '%s'", line, needle);
    }
}

/* ---- headings, phases, ids -------------------------------------------------------- */

static void test_headings_become_phases(void **state) {
    Imported x = import_ok("# Database move\n\nSome prose.\n\n"
                           "### Phase 2A: Upgrade Django\n\n- [ ] Upgrade Django to 4.2\n"
                           "- [x] Run the tests\n* [ ] Tell the team\n\n"
                           "## Phase 2.5: Security\n\n- [ ] Rotate keys\n\n"
                           "## Notes without a checklist\n\nJust text.\n- a plain list\n");
    assert_string_equal(x.plan->title, "Database move");
    assert_int_equal(x.plan->n_phases, 2);
    const Phase *a = phase(&x, "p2a");
    assert_string_equal(a->title, "Phase 2A: Upgrade Django");
    assert_int_equal(a->n_items, 3);
    assert_string_equal(item(a, "Upgrade Django to 4.2")->id, "p2a.upgrade-django-to-4-2");
    item(a, "Run the tests"); /* [x] is imported as an item; ticks live in the journal */
    item(a, "Tell the team");
    assert_null(strstr(x.imp->yaml, "[x]"));
    const Phase *b = phase(&x, "p2_5");
    assert_depends(b, "p2a");
    assert_string_equal(b->items[0].id, "p2_5.rotate-keys");
    imported_free(&x);
}

static void test_other_headings_are_slugs_deduplicated(void **state) {
    Imported x = import_ok("## Set up the server\n- [ ] Install nginx\n"
                           "## Set up the server\n- [ ] Install certbot\n"
                           "## Appendix C: Testing\n- [ ] Run pytest\n");
    assert_int_equal(x.plan->n_phases, 3);
    phase(&x, "set-up-the-server");
    item(phase(&x, "set-up-the-server-2"), "Install certbot");
    item(phase(&x, "appendix-c"), "Run pytest");
    imported_free(&x);
}

static void test_nested_headings_are_phases_of_their_own(void **state) {
    Imported x = import_ok("## Phase 5: Migration\n\nTimeline: 1 day\n\n"
                           "### Two weeks before\n- [ ] Provision the VM\n"
                           "### One day before\n- [ ] Final backup\n"
                           "### Completion Checklist\n- [ ] All services running\n"
                           "## Phase 6: Monitoring\n- [ ] Alerts configured\n");
    assert_int_equal(x.plan->n_phases, 4);
    /* in the order their checklists start: Phase 5's own comes after its sections */
    assert_string_equal(x.plan->phases[0].id, "two-weeks-before");
    assert_string_equal(x.plan->phases[1].id, "one-day-before");
    assert_string_equal(x.plan->phases[2].id, "p5");
    assert_string_equal(x.plan->phases[3].id, "p6");
    assert_depends(&x.plan->phases[0], "");
    assert_depends(&x.plan->phases[1], "two-weeks-before");
    assert_depends(&x.plan->phases[2], "one-day-before");
    assert_depends(&x.plan->phases[3], "p5");
    /* "Completion Checklist" is no phase: its items are Phase 5's */
    const Phase *p5 = phase(&x, "p5");
    assert_int_equal(p5->n_items, 1);
    assert_string_equal(p5->items[0].text, "All services running");
    assert_int_equal(p5->duration, 86400);
    imported_free(&x);
}

static void test_dependencies_the_document_names(void **state) {
    Imported x = import_ok("## Phase 1: Base\n- [ ] a\n"
                           "## Phase 2: More\n- [ ] b\n"
                           "## Phase 3: Hardening\n\nPrerequisites: Phase 1 complete\n\n- [ ] c\n"
                           "## Phase 4: Other\n\nDepends on: Phase 2, Phase 3\n\n- [ ] d\n"
                           "## Phase 5: Later\n\nDepends on: Phase 9\n\n- [ ] e\n"
                           "## Phase 6: Last\n\nWhen: After Phase 5 is stable\n\n- [ ] f\n");
    assert_depends(phase(&x, "p3"), "p1");
    assert_depends(phase(&x, "p4"), "p2,p3");
    assert_depends(phase(&x, "p5"), "p4");
    assert_depends(phase(&x, "p6"), "p5");
    assert_note(x.d, 17, "the dependency 'Phase 9' of phase 'p5'");
    imported_free(&x);
}

static void test_dependency_on_a_later_phase_keeps_the_order(void **state) {
    Imported x = import_ok("## Phase 1: A\n\nPrerequisites: Phase 2 complete\n\n- [ ] a\n"
                           "## Phase 2: B\n- [ ] b\n");
    assert_depends(phase(&x, "p1"), "");
    assert_depends(phase(&x, "p2"), "p1"); /* no cycle */
    imported_free(&x);
}

/* ---- durations -------------------------------------------------------------------- */

static int64_t duration_of(const char *md) {
    Imported x = import_ok(md);
    int64_t d = x.plan->phases[0].duration;
    imported_free(&x);
    return d;
}

static void test_duration_forms(void **state) {
    assert_int_equal(duration_of("## Preparation (30 minutes)\n- [ ] a\n"), 30 * 60);
    assert_int_equal(duration_of("## Setup (1 hour)\n- [ ] a\n"), 3600);
    assert_int_equal(duration_of("## Step\n\nDuration: 1-2 hours\n\n- [ ] a\n"), 2 * 3600);
    assert_int_equal(duration_of("## Step\n\nTimeline: 2-3 weeks\n\n- [ ] a\n"), 3 * 604800);
    assert_int_equal(duration_of("## Week 1-2: Phase 1 (uv)\n- [ ] a\n"), 2 * 604800);
    assert_int_equal(duration_of("## Cutover — 1 week\n- [ ] a\n"), 604800);
    assert_int_equal(duration_of("## Step\n\nTimeline: 1 day (weekend deployment)\n\n- [ ] a\n"),
                     86400);
    assert_int_equal(duration_of("## Step (2 days)\n- [ ] a\n"), 2 * 86400);
    assert_int_equal(duration_of("## Step\n\nGoal: x\n\nTime: 1 hour 30 minutes\n\n- [ ] a\n"),
                     5400);
    assert_int_equal(duration_of("## Step\n\nDuration: 1.5 hours\n\n- [ ] a\n"), 5400);
    /* the heading wins over the paragraph; prose is no duration */
    assert_int_equal(duration_of("## Step (15 minutes)\n\nDuration: 2 hours\n\n- [ ] a\n"), 900);
    assert_int_equal(duration_of("## Step\n\nKeep backups for 30 days.\n\n- [ ] a\n"), 0);
    /* the first paragraph, and the "Label: value" paragraphs right after it */
    assert_int_equal(duration_of("## Step\n\nIntro.\n\nDuration: 2 hours\n\n- [ ] a\n"), 7200);
    assert_int_equal(
        duration_of("## Step\n\nIntro.\n\nMore prose.\n\nDuration: 2 hours\n\n- [ ] a\n"), 0);
}

static void test_duration_that_is_no_duration_is_noted(void **state) {
    Imported x = import_ok("## Tests\n\nTimeline: Ongoing, with each phase\n\n- [ ] a\n"
                           "## Old\n\nDuration: 99999 weeks\n\n- [ ] b\n"
                           "## Overview (2 hours)\n\nNo checklist here.\n"
                           "## Week 3-4123\n- [ ] c\n");
    assert_int_equal(phase(&x, "tests")->duration, 0);
    assert_int_equal(phase(&x, "old")->duration, 0);
    assert_note(x.d, 3, "'Ongoing, with each phase' as a duration");
    assert_note(x.d, 8, "longer than ten years");
    assert_note(x.d, 11, "the duration of 'Overview (2 hours)'");
    assert_int_equal(phase(&x, "week-3-4123")->duration, 0);
    assert_note(x.d, 14, "the duration in the heading of phase 'week-3-4123'");
    imported_free(&x);
}

/* ---- risk ------------------------------------------------------------------------- */

static Risk risk_of(const char *md) {
    Imported x = import_ok(md);
    Risk r = x.plan->phases[0].risk;
    imported_free(&x);
    return r;
}

static void test_risk_markers(void **state) {
    assert_int_equal(risk_of("## Step\n\nRisk: High\n\n- [ ] a\n"), RISK_HIGH);
    assert_int_equal(risk_of("## Step ⚠️ HIGH RISK\n- [ ] a\n"), RISK_HIGH);
    assert_int_equal(risk_of("## Step 🔴 High Risk\n- [ ] a\n"), RISK_HIGH);
    assert_int_equal(risk_of("## Step 🟡 Medium\n- [ ] a\n"), RISK_MEDIUM);
    assert_int_equal(risk_of("## Step 🔵 Coordination\n- [ ] a\n"), RISK_COORDINATION);
    assert_int_equal(risk_of("## Step 🟢 Low\n- [ ] a\n"), RISK_LOW);
    assert_int_equal(risk_of("## Step\n\nRisk level: medium\n\n- [ ] a\n"), RISK_MEDIUM);
    assert_int_equal(risk_of("## Step\n\nA moderate-risk change.\n\n- [ ] a\n"), RISK_MEDIUM);
    assert_int_equal(risk_of("## Step\n\nPriority: High\n\n- [ ] a\n"), RISK_LOW);
}

static void test_risk_is_inherited_unless_said_otherwise(void **state) {
    Imported x = import_ok("## Phase 5: Migration 🔴 High Risk\n\n"
                           "### Prepare\n- [ ] a\n"
                           "#### Later\n- [ ] b\n"
                           "### Tidy up\n\nRisk: Low\n\n- [ ] c\n"
                           "## Phase 6: Monitoring\n- [ ] d\n"
                           "## Phase 7: Odd\n\nRisk: Extreme\n\n- [ ] e\n");
    assert_int_equal(phase(&x, "prepare")->risk, RISK_HIGH);
    assert_int_equal(phase(&x, "later")->risk, RISK_HIGH);
    assert_int_equal(phase(&x, "tidy-up")->risk, RISK_LOW);
    assert_int_equal(phase(&x, "p6")->risk, RISK_LOW);
    assert_int_equal(phase(&x, "p7")->risk, RISK_LOW);
    assert_note(x.d, 16, "risk 'Extreme'");
    imported_free(&x);
}

/* ---- rollback --------------------------------------------------------------------- */

static void test_rollback_of_the_phase_it_follows_or_names(void **state) {
    Imported x = import_ok("## Phase 1: Deploy\n- [ ] Deploy\n"
                           "### Rollback Plan\n- Revert the commit\n- [ ] Restore the database\n"
                           "## Phase 2: Switch\n- [ ] Switch DNS\n"
                           "## Rollback\n- Point DNS back\n  - a sub-point, no step\n"
                           "## Rollback Plan: Phase 1\n\n```sh\ngit checkout v1\n```\n");
    const Phase *p1 = phase(&x, "p1");
    assert_int_equal(p1->n_items, 1);
    assert_int_equal(p1->n_rollback, 3);
    assert_string_equal(p1->rollback[0].text, "Revert the commit");
    assert_string_equal(p1->rollback[0].id, "p1.rb-revert-the-commit");
    assert_string_equal(p1->rollback[1].text, "Restore the database");
    assert_string_equal(p1->rollback[2].text, "Rollback Plan: Phase 1");
    assert_string_equal(p1->rollback[2].details, "git checkout v1\n");
    const Phase *p2 = phase(&x, "p2");
    assert_int_equal(p2->n_items, 1);
    assert_int_equal(p2->n_rollback, 1);
    assert_string_equal(p2->rollback[0].text, "Point DNS back");
    imported_free(&x);
}

static void test_rollback_sections_of_code_and_collections(void **state) {
    Imported x = import_ok("## Phase 5: Migration\n- [ ] Migrate\n"
                           "### 5.4 Rollback Plan\n"
                           "#### If issues within the first hour\n\n```sh\npoint DNS back\n```\n"
                           "#### If issues later\n\n```sh\nrestore the backup\n```\n"
                           "## Rollback Plans\n### General principles of rollback\n"
                           "- Database first\n"
                           "### Phase 5 Rollback\n\n```sh\nrollback.sh\n```\n"
                           "## Phase 6: Watch\n- [ ] Watch\n### Rollback\n\nNothing to do.\n");
    const Phase *p5 = phase(&x, "p5");
    assert_int_equal(p5->n_rollback, 3);
    assert_string_equal(p5->rollback[0].text, "If issues within the first hour");
    assert_string_equal(p5->rollback[0].details, "point DNS back\n");
    assert_string_equal(p5->rollback[1].text, "If issues later");
    assert_string_equal(p5->rollback[2].text, "Phase 5 Rollback");
    assert_note(x.d, 16, "the rollback steps under 'General principles of rollback'");
    assert_int_equal(phase(&x, "p6")->n_rollback, 0);
    assert_note(x.d, 24, "rollback steps from 'Rollback': it has no list");
    imported_free(&x);
}

static void test_checklist_label_ends_a_rollback_section(void **state) {
    Imported x = import_ok("## Phase 2: Upgrades\n\n### Phase 2A: Python\n\nText.\n\n"
                           "### Phase 2B: Django\n\nText.\n\n"
                           "### Rollback Plan (Phase 2)\n\n- Check out the previous branch\n\n"
                           "**Completion Checklist (Phase 2)**\n\n"
                           "**Phase 2A (Python 3.12):**\n- [ ] Tests pass on 3.12\n\n"
                           "**Before Phase 2B:**\n- [ ] Audit packages\n- [ ] Tests pass on 4.2\n");
    assert_int_equal(x.plan->n_phases, 2);
    const Phase *a = phase(&x, "p2a"), *b = phase(&x, "p2b");
    item(a, "Tests pass on 3.12");
    assert_int_equal(b->n_items, 2);
    assert_depends(b, "p2a");
    /* the section names Phase 2, whose last phase is 2B */
    assert_int_equal(b->n_rollback, 1);
    assert_string_equal(b->rollback[0].text, "Check out the previous branch");
    imported_free(&x);
}

/* ---- items: details, ids ---------------------------------------------------------- */

static void test_code_block_under_an_item_is_its_details(void **state) {
    Imported x = import_ok("## Deploy\n"
                           "- [ ] Back up the database\n"
                           "  ```sh\n  mysqldump db > backup.sql   \n  gzip backup.sql\n  ```\n"
                           "- [ ] Restart the app\n\n"
                           "```\nsystemctl restart app\n```\n\n"
                           "Some prose.\n\n```\nnot under an item\n```\n");
    const Phase *p = phase(&x, "deploy");
    assert_string_equal(item(p, "Back up the database")->details,
                        "mysqldump db > backup.sql\ngzip backup.sql\n");
    assert_string_equal(item(p, "Restart the app")->details, "systemctl restart app\n");
    assert_null(strstr(x.imp->yaml, "not under an item"));
    imported_free(&x);
}

static char *replace(const char *s, const char *from, const char *to) {
    const char *at = strstr(s, from);
    assert_non_null(at);
    char *out = malloc(strlen(s) + strlen(to) + 1);
    assert_non_null(out);
    sprintf(out, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
    return out;
}

static void test_ids_are_stable_when_one_item_is_edited(void **state) {
    const char *md = "## Phase 1: Prepare\n- [ ] Back up the database\n- [ ] Check\n- [ ] Check\n"
                     "- [ ] Notify the users\n- [ ] Freeze deploys\n";
    Imported a = import_ok(md), b = import_ok(md);
    assert_string_equal(a.imp->yaml, b.imp->yaml); /* the same file twice: the same plan */
    char *edited = replace(md, "Notify the users", "Notify the users by e-mail");
    Imported c = import_ok(edited);
    const Phase *pa = &a.plan->phases[0], *pc = &c.plan->phases[0];
    assert_int_equal(pa->n_items, pc->n_items);
    for (size_t i = 0; i < pa->n_items; i++) {
        if (i == 3) {
            assert_string_equal(pc->items[i].id, "p1.notify-the-users-by-e-mail");
        } else {
            assert_string_equal(pa->items[i].id, pc->items[i].id);
        }
    }
    assert_string_equal(pa->items[1].id, "p1.check");
    assert_string_equal(pa->items[2].id, "p1.check-2");
    free(edited);
    imported_free(&a), imported_free(&b), imported_free(&c);
}

static void test_ids_are_deduplicated_and_short(void **state) {
    Imported x = import_ok("## Phase 1: A\n- [ ] Same\n- [ ] Same\n- [ ] Same\n"
                           "- [ ] A very long item text that goes on and on, well past the "
                           "sixty-four characters an id may have, and then some more\n"
                           "- [ ] 中文 ☃\n- [ ] 中文 ☃\n"
                           "## Phase 1: Again\n- [ ] Same\n");
    const Phase *p = phase(&x, "p1");
    assert_string_equal(p->items[0].id, "p1.same");
    assert_string_equal(p->items[1].id, "p1.same-2");
    assert_string_equal(p->items[2].id, "p1.same-3");
    const char *longid = p->items[3].id;
    assert_true(strlen(longid) <= 64);
    assert_true(strncmp(longid, "p1.a-very-long-item-text", 24) == 0);
    assert_true(longid[strlen(longid) - 1] != '-');
    assert_string_not_equal(p->items[4].id, p->items[5].id);
    item(phase(&x, "p1-2"), "Same");
    imported_free(&x);
}

static void test_empty_items_are_skipped_with_a_note(void **state) {
    Imported x = import_ok("## Step\n- [ ] Real\n- [ ]\n- [ ]    \n");
    assert_int_equal(x.plan->phases[0].n_items, 1);
    assert_note(x.d, 3, "an empty checklist item");
    assert_note(x.d, 4, "an empty checklist item");
    imported_free(&x);
}

static void test_items_before_any_heading(void **state) {
    Imported x = import_ok("- [ ] First thing\n\n# Upgrade\n\n## Phase 1: Go\n- [ ] Go\n");
    assert_int_equal(x.plan->n_phases, 2);
    assert_string_equal(x.plan->phases[0].title, "Upgrade");
    item(&x.plan->phases[0], "First thing");
    imported_free(&x);
}

static void test_hostile_text_survives_as_yaml(void **state) {
    Imported x = import_ok("## a: b # c {d} [e] 'f' \"g\" &h *i !j |k >l %m @n `o`\n"
                           "- [ ] key: value # not a comment\n"
                           "- [ ] - dash, then \\\"quotes\\\" and a tab\tin it\n"
                           "- [ ] emoji 🔴 and 中文 and &amp; &#x41; &bogus;\n"
                           "- [ ] yes\n- [ ] 123\n- [ ] null\n- [ ] ~\n");
    const Phase *p = &x.plan->phases[0];
    assert_string_equal(p->title, "a: b # c {d} [e] 'f' \"g\" &h *i !j |k >l %m @n o");
    assert_string_equal(p->items[0].text, "key: value # not a comment");
    assert_string_equal(p->items[1].text, "- dash, then \"quotes\" and a tab in it");
    assert_string_equal(p->items[2].text, "emoji 🔴 and 中文 and & A &bogus;");
    assert_string_equal(p->items[3].text, "yes");
    assert_string_equal(p->items[4].text, "123");
    assert_string_equal(p->items[5].text, "null");
    assert_string_equal(p->items[6].text, "~");
    imported_free(&x);
}

static void test_header_names_the_source_safely(void **state) {
    DiagList *d = diag_list_new("x");
    RunbookImport *imp = NULL;
    const char *md = "## A\n- [ ] a\n";
    assert_int_equal(runbook_import(md, strlen(md), "/tmp/evil\x1b[31m\nname.2.md", d, &imp), 0);
    assert_non_null(
        strstr(imp->yaml, "# An opsdeck plan imported from evil\\e[31m\\nname.2.md by"));
    assert_null(strchr(imp->yaml, 0x1b));
    assert_non_null(strstr(imp->yaml, "\nid: evil-31m-name\n"));
    runbook_import_free(imp);
    diag_list_free(d);
}

/* ---- no checklist, bad text, hostile structure ------------------------------------ */

static void test_no_checklist_is_an_error(void **state) {
    const char *none = "# Notes\n\nJust prose.\n\n- a plain list\n* [x]y not a task\n";
    DiagList *d = import_fails(none, strlen(none), -ENOMSG);
    assert_int_equal(d->n_errors, 1);
    assert_non_null(strstr(d->v[d->n - 1].msg, "not one task-list line"));
    diag_list_free(d);
    const char *rb = "## Rollback\n- [ ] Undo it\n";
    d = import_fails(rb, strlen(rb), -ENOMSG);
    assert_non_null(strstr(d->v[d->n - 1].msg, "all in rollback sections"));
    diag_list_free(d);
    const char *empty = "## A\n- [ ]\n";
    d = import_fails(empty, strlen(empty), -ENOMSG);
    assert_non_null(strstr(d->v[d->n - 1].msg, "all empty"));
    diag_list_free(d);
    d = import_fails("", 0, -ENOMSG);
    diag_list_free(d);
}

static void test_invalid_utf8_is_an_error_with_its_line(void **state) {
    const char bad[] = "## A\n- [ ] fine\n- [ ] caf\xc3\x28 au lait\n";
    DiagList *d = import_fails(bad, sizeof(bad) - 1, -EILSEQ);
    assert_int_equal(d->n_errors, 1);
    assert_int_equal(d->v[0].line, 3);
    assert_int_equal(d->v[0].col, 10);
    assert_non_null(strstr(d->v[0].msg, "invalid UTF-8"));
    diag_list_free(d);
    const char nul[] = "## A\n\n- [ ] a\0b\n";
    d = import_fails(nul, sizeof(nul) - 1, -EILSEQ);
    assert_int_equal(d->v[0].line, 3);
    assert_non_null(strstr(d->v[0].msg, "NUL"));
    diag_list_free(d);
}

static char *repeat(const char *unit, size_t n, const char *tail) {
    size_t ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(ul * n + tl + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++) {
        memcpy(s + i * ul, unit, ul);
    }
    memcpy(s + ul * n, tail, tl + 1);
    return s;
}

static void test_deep_nesting_is_bounded(void **state) {
    char *lists = repeat("- ", 10000, "[ ] deep\n\n## Real\n- [ ] real\n");
    Imported x = import_ok(lists);
    assert_int_equal(x.plan->n_phases, 1);
    item(&x.plan->phases[0], "real");
    assert_note(x.d, 1, "nesting deeper than 64 levels");
    imported_free(&x);
    free(lists);

    char *quotes = repeat(">", 10000, " - [ ] deep\n");
    DiagList *d = import_fails(quotes, strlen(quotes), -ENOMSG);
    assert_non_null(strstr(d->v[d->n - 1].msg, "nested deeper than 64 levels"));
    diag_list_free(d);
    free(quotes);

    /* 200 levels of task lists, each indented under the one before */
    size_t cap = 200 * 420, len = 0;
    char *steps = malloc(cap);
    assert_non_null(steps);
    len += (size_t)sprintf(steps, "## Steps\n");
    for (int i = 0; i < 200; i++) {
        len += (size_t)sprintf(steps + len, "%*s- [ ] level %d\n", 2 * i, "", i);
    }
    x = import_ok(steps);
    assert_int_equal(x.plan->phases[0].n_items, 32); /* two blocks a level: list and item */
    assert_note(x.d, 0, "nesting deeper than 64 levels");
    imported_free(&x);
    free(steps);
}

/* ---- hints ------------------------------------------------------------------------ */

static void test_hint_durations(void **state) {
    static const struct {
        const char *s;
        int64_t want;
    } ok[] = {{"30 minutes", 1800},    {"2-3 weeks", 1814400},    {"1–2 hours", 7200},
              {"1 to 2 days", 172800}, {"an hour", 3600},         {"two weeks", 1209600},
              {"1h30m", 5400},         {"Week 3-4", 1209600},     {"~45 min", 2700},
              {"about 2 hours", 7200}, {"1 day (weekend)", 86400}};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        int64_t v = 0;
        if (hint_parse_duration(ok[i].s, strlen(ok[i].s), &v) != 0 || v != ok[i].want) {
            fail_msg("'%s' gave %lld", ok[i].s, (long long)v);
        }
    }
    static const char *const bad[] = {"ongoing",  "",          "weeks",      "2 of 3",
                                      "3-1 days", "0 minutes", "Python 3.12"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t v = 0;
        if (hint_parse_duration(bad[i], strlen(bad[i]), &v) == 0) {
            fail_msg("'%s' parsed as %lld", bad[i], (long long)v);
        }
    }
    char buf[32];
    hint_format_duration(5400, buf, sizeof(buf));
    assert_string_equal(buf, "1h30m");
    hint_format_duration(8 * 86400, buf, sizeof(buf));
    assert_string_equal(buf, "1w1d");
}

static void test_hint_phase_refs_and_ids(void **state) {
    char id[HINT_ID_MAX];
    assert_true(hint_phase_ref("Phase 2A: Python", id) > 0);
    assert_string_equal(id, "p2a");
    assert_true(hint_phase_ref("phase 3.5 (nginx)", id) > 0);
    assert_string_equal(id, "p3_5");
    assert_int_equal(hint_phase_ref("Phases 1-5", id), 0);
    assert_int_equal(hint_phase_ref("Phase 2Alpha", id), 0);
    assert_int_equal(hint_phase_ref("Phase one", id), 0);
    assert_true(hint_lead_in_phase("Before Phase 2C:", id));
    assert_string_equal(id, "p2c");
    assert_false(hint_lead_in_phase("Week 1-2 (During Phase 1):", id));
    assert_false(hint_lead_in_phase("Phase 2A is next", id));
    hint_heading_id("Enhancement 1: MkDocs for Documentation", id);
    assert_string_equal(id, "enhancement-1");
    hint_heading_id("D.3.1 Pre-Deployment Checklist", id);
    assert_string_equal(id, "d-3-1-pre-deployment");
    assert_true(hint_is_generic_title("2C.1 Completion Checklist (Phase 2)"));
    assert_true(hint_is_generic_title("Action Items"));
    assert_false(hint_is_generic_title("Pre-Deployment Checklist"));
    assert_true(hint_says_rollback("5.4 Roll back plan"));
    assert_false(hint_says_rollback("Scrollbacks"));
    hint_slug("Let's go: it’s fine", 64, id);
    assert_string_equal(id, "lets-go-its-fine");
}

/* ---- the Uplink runbook and the example plan -------------------------------------- */

static const char *const yaml_only[] = {
    /* procedures the runbook writes as commands, not checklists: the plan's own phases */
    "p5.prep", "p5.setup", "p5.test", "p5.dns", "p5.monitor", "d-3-2-steps"};

static bool is_yaml_only(const char *id) {
    for (size_t i = 0; i < sizeof(yaml_only) / sizeof(yaml_only[0]); i++) {
        if (strcmp(yaml_only[i], id) == 0) {
            return true;
        }
    }
    return false;
}

static char *path_in_root(const char *rel) {
    const char *root = getenv("OPSDECK_ROOT");
    char *p = NULL;
    assert_true(asprintf(&p, "%s/%s", root && *root ? root : ".", rel) > 0);
    return p;
}

/* The same phases in the same order, the same titles, the same item texts (as sets),
 * and the same durations wherever the runbook gives one. */
static void test_uplink_runbook_matches_the_example_plan(void **state) {
    char *md = path_in_root("examples/uplink-2.0.md"),
         *yml = path_in_root("examples/uplink-2.0.yaml");
    DiagList *d = diag_list_new(md), *yd = diag_list_new(yml);
    RunbookImport *imp = NULL;
    Plan *got = NULL, *want = NULL;
    assert_int_equal(runbook_import_file(md, d, &imp), 0);
    assert_int_equal(plan_load_buffer("import", imp->yaml, imp->yaml_len, yd, &got), 0);
    if (plan_load(yml, yd, &want) < 0) {
        diag_print(yd, stderr);
        fail_msg("%s does not load", yml);
    }
    assert_string_equal(got->id, want->id);
    size_t k = 0;
    for (size_t j = 0; j < want->n_phases; j++) {
        const Phase *w = &want->phases[j];
        if (is_yaml_only(w->id)) {
            continue;
        }
        if (k >= got->n_phases) {
            fail_msg("phase '%s' of the plan is not in the import", w->id);
        }
        const Phase *g = &got->phases[k++];
        if (strcmp(g->id, w->id) != 0 || strcmp(g->title, w->title) != 0) {
            fail_msg("phase %zu: import '%s' \"%s\", plan '%s' \"%s\"", k, g->id, g->title, w->id,
                     w->title);
        }
        if (g->duration && g->duration != w->duration) {
            fail_msg("phase '%s': import duration %lld, plan %lld", g->id, (long long)g->duration,
                     (long long)w->duration);
        }
        if (g->n_items != w->n_items) {
            fail_msg("phase '%s': import %zu items, plan %zu", g->id, g->n_items, w->n_items);
        }
        for (size_t i = 0; i < g->n_items; i++) {
            bool found = false;
            for (size_t m = 0; m < w->n_items && !found; m++) {
                found = strcmp(g->items[i].text, w->items[m].text) == 0;
            }
            if (!found) {
                fail_msg("phase '%s': item \"%s\" is not in the plan", g->id, g->items[i].text);
            }
        }
    }
    if (k != got->n_phases) {
        fail_msg("phase '%s' of the import is not in the plan", got->phases[k].id);
    }
    assert_int_equal(imp->n_items, imp->n_tasks); /* no task line in a rollback section */
    plan_free(got), plan_free(want), runbook_import_free(imp);
    diag_list_free(d), diag_list_free(yd);
    free(md), free(yml);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headings_become_phases),
        cmocka_unit_test(test_other_headings_are_slugs_deduplicated),
        cmocka_unit_test(test_nested_headings_are_phases_of_their_own),
        cmocka_unit_test(test_dependencies_the_document_names),
        cmocka_unit_test(test_dependency_on_a_later_phase_keeps_the_order),
        cmocka_unit_test(test_duration_forms),
        cmocka_unit_test(test_duration_that_is_no_duration_is_noted),
        cmocka_unit_test(test_risk_markers),
        cmocka_unit_test(test_risk_is_inherited_unless_said_otherwise),
        cmocka_unit_test(test_rollback_of_the_phase_it_follows_or_names),
        cmocka_unit_test(test_rollback_sections_of_code_and_collections),
        cmocka_unit_test(test_checklist_label_ends_a_rollback_section),
        cmocka_unit_test(test_code_block_under_an_item_is_its_details),
        cmocka_unit_test(test_ids_are_stable_when_one_item_is_edited),
        cmocka_unit_test(test_ids_are_deduplicated_and_short),
        cmocka_unit_test(test_empty_items_are_skipped_with_a_note),
        cmocka_unit_test(test_items_before_any_heading),
        cmocka_unit_test(test_hostile_text_survives_as_yaml),
        cmocka_unit_test(test_header_names_the_source_safely),
        cmocka_unit_test(test_no_checklist_is_an_error),
        cmocka_unit_test(test_invalid_utf8_is_an_error_with_its_line),
        cmocka_unit_test(test_deep_nesting_is_bounded),
        cmocka_unit_test(test_hint_durations),
        cmocka_unit_test(test_hint_phase_refs_and_ids),
        cmocka_unit_test(test_uplink_runbook_matches_the_example_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
