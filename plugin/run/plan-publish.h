/* dom0 side of the plan channel: writes a guest's plan into its XenStore
 * home, where only dom0 may write and the guest may read. */
#pragma once

#include <xenstore.h>

#include "plan.h"

/* Writes <home>/xenlab/plan (chunked as common/xs-layout.h says) in one
 * transaction, and makes <home>/xenlab owned by dom0, readable by domid. */
int xl_plan_publish(struct xs_handle *xs, unsigned domid, const struct xl_plan *p);
/* Removes <home>/xenlab (after the guest is gone, or to retract a plan). */
int xl_plan_retract(struct xs_handle *xs, unsigned domid);
