/* Unit tests for tui/target.c: target identities (what "run again" and
 * the run records compare), and the queue of runs waiting for a busy
 * local server, over a hand-made struct app (no network). */
#include "tui/app.h"
#include "tui/target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/t.h"

static struct app app;	/* large: not on the stack */

static struct run *
add_run(size_t idx, bool queued, bool done, unsigned req)
{
	struct run *r = &app.runs[app.nruns++];

	memset(r, 0, sizeof *r);
	r->seq = (unsigned)app.nruns;
	r->local = true;
	r->local_idx = idx;
	r->queued = queued;
	r->done = done;
	r->req = req;
	return r;
}

int
main(void)
{
	struct target_id a, b;
	struct cog_health busy;
	char buf[64];
	struct run *r1, *r2, *r3, *r4;

	/* identity: kind and ref; URLs without their trailing '/' */
	target_id_set(&a, TARGET_URL, "http://127.0.0.1:5000");
	target_id_set(&b, TARGET_URL, "http://127.0.0.1:5000/");
	T_OK(target_id_same(&a, &b));
	target_id_set(&b, TARGET_URL, "http://127.0.0.1:5001");
	T_OK(!target_id_same(&a, &b));		/* two servers, two targets */
	target_id_set(&b, TARGET_CONTAINER, "http://127.0.0.1:5000");
	T_OK(!target_id_same(&a, &b));		/* same text, other kind */
	target_id_set(&a, TARGET_REPLICATE, "owner/name");
	target_id_set(&b, TARGET_REPLICATE, "owner/name/");
	T_OK(!target_id_same(&a, &b));		/* only URLs drop the '/' */
	target_id_set(&a, TARGET_NONE, NULL);
	target_id_set(&b, TARGET_NONE, "");
	T_OK(target_id_same(&a, &b));
	target_id_format(&a, buf, sizeof buf);
	T_STREQ(buf, "none");
	target_id_set(&a, TARGET_URL, "http://h:1/");
	target_id_format(&a, buf, sizeof buf);
	T_STREQ(buf, "url:http://h:1");
	target_id_set(&a, TARGET_CONTAINER, "0123abcd");
	target_id_format(&a, buf, 8);
	T_STREQ(buf, "contain");		/* cut, terminated */
	T_STREQ(target_kind_name(TARGET_REPLICATE), "replicate");
	{
		char longref[TARGET_REF_MAX * 2];

		memset(longref, 'x', sizeof longref - 1);
		longref[sizeof longref - 1] = '\0';
		target_id_set(&a, TARGET_URL, longref);
		T_EQ(strlen(a.ref), TARGET_REF_MAX - 1);
	}

	/* the page's target, and a local target's index by its URL */
	char u0[] = "http://127.0.0.1:5000", u1[] = "http://127.0.0.1:5001/";

	app.locals[0].url = u0;
	app.locals[1].url = u1;
	app.nlocals = 2;
	target_of_page(&app, &a);
	T_EQ(a.kind, TARGET_NONE);
	app.mp.active = true;
	app.mp.local = true;
	app.mp.local_idx = 1;
	target_of_page(&app, &a);
	T_EQ(a.kind, TARGET_URL);
	T_EQ(target_local_index(&app, &a), 1);
	target_id_set(&b, TARGET_URL, "http://127.0.0.1:5001");
	T_EQ(target_local_index(&app, &b), 1);
	target_id_set(&b, TARGET_URL, "http://127.0.0.1:5002");
	T_EQ(target_local_index(&app, &b), -1);
	target_id_set(&b, TARGET_CONTAINER, "http://127.0.0.1:5000");
	T_EQ(target_local_index(&app, &b), -1);
	app.mp.local = false;
	snprintf(app.mp.owner, sizeof app.mp.owner, "acme");
	snprintf(app.mp.name, sizeof app.mp.name, "m");
	target_of_page(&app, &a);
	target_id_format(&a, buf, sizeof buf);
	T_STREQ(buf, "replicate:acme/m");

	/* busy: a sent run not answered, or the health says BUSY */
	T_OK(!target_local_busy(&app, 0));
	r1 = add_run(0, false, false, 7);
	T_OK(target_local_busy(&app, 0));
	T_OK(!target_local_busy(&app, 1));	/* the other server is free */
	r2 = add_run(1, true, false, 0);
	r3 = add_run(0, true, false, 0);
	r4 = add_run(0, true, false, 0);
	T_EQ(target_queue_len(&app, 0), 2);
	T_EQ(target_queue_len(&app, 1), 1);
	T_EQ(target_queue_place(&app, r1), 0);	/* sent, not queued */
	T_EQ(target_queue_place(&app, r2), 1);
	T_EQ(target_queue_place(&app, r3), 1);
	T_EQ(target_queue_place(&app, r4), 2);
	r1->done = true;
	T_OK(!target_local_busy(&app, 0));
	memset(&busy, 0, sizeof busy);
	busy.state = COG_HEALTH_BUSY;
	app.locals[0].health = &busy;
	T_OK(target_local_busy(&app, 0));	/* someone else's run */
	app.locals[0].health = NULL;

	/* config idle_stop: whole minutes, "" / "0" off */
	{
		char e[128];

		T_EQ(dock_set_idle_stop(&app, NULL, e, sizeof e), 0);
		T_EQ(app.dock.idle_stop_ms, 0);
		T_EQ(dock_set_idle_stop(&app, "10", e, sizeof e), 0);
		T_EQ(app.dock.idle_stop_ms, 600000);
		T_EQ(dock_set_idle_stop(&app, "0", e, sizeof e), 0);
		T_EQ(app.dock.idle_stop_ms, 0);
		T_EQ(dock_set_idle_stop(&app, "5m", e, sizeof e), -1);
		T_OK(strstr(e, "idle_stop") != NULL);
		T_EQ(dock_set_idle_stop(&app, "-1", e, sizeof e), -1);
		T_EQ(dock_set_idle_stop(&app, "99999", e, sizeof e), -1);
	}
	/* lifecycle names of a Docker target */
	{
		struct local_target lt;
		struct cog_health h;

		memset(&lt, 0, sizeof lt);
		T_EQ(dock_state_of(&lt), DOCK_NONE);	/* a --local URL */
		lt.image = u0;
		T_EQ(dock_state_of(&lt), DOCK_OFFLINE);
		lt.req_start = 3;
		T_EQ(dock_state_of(&lt), DOCK_BOOTING);
		lt.req_start = 0;
		lt.cog = (struct cog *)&lt;	/* only compared with NULL */
		T_EQ(dock_state_of(&lt), DOCK_BOOTING);	/* no answer yet */
		memset(&h, 0, sizeof h);
		lt.health = &h;
		h.state = COG_HEALTH_STARTING;
		T_EQ(dock_state_of(&lt), DOCK_BOOTING);
		h.state = COG_HEALTH_BUSY;
		T_EQ(dock_state_of(&lt), DOCK_ACTIVE);
		h.state = COG_HEALTH_READY;
		T_EQ(dock_state_of(&lt), DOCK_IDLE);
		T_STREQ(dock_state_name(DOCK_IDLE), "IDLE");
		h.state = COG_HEALTH_DEFUNCT;
		T_EQ(dock_state_of(&lt), DOCK_FAILED);
	}
	return T_SUMMARY();
}
